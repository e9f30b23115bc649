import {
  MAX_CANDIDATE_QUESTION_CHARS,
  MAX_NEAR_CANDIDATES,
  type CacheDecision,
  type CompletionV1,
  type NearCandidate,
  type RequestV1,
  type ResultV1,
  type Usage,
  type WireError,
} from '@deja/contracts';
import type { CacheEntry } from '@deja/data-access-cache';
import type { CandidateVerdict } from '@deja/util-cache-policy';

export const ZERO_USAGE: Usage = { input_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 0 };

/**
 * A hit costs nothing: the stored answer's original usage is reported as saved, never as spend,
 * and the saving is what the request would have cost with no caching at all.
 */
export function hitResult(request: RequestV1, entry: CacheEntry, decision: CacheDecision, now: Date): ResultV1 {
  return {
    request_id: request.request_id,
    tenant: request.tenant,
    status: 'completed',
    answer: entry.answer,
    cache: decision,
    usage: ZERO_USAGE,
    saved_usage: entry.usage,
    cost: { usd: 0, uncached_usd: entry.cost.uncached_usd, saved_usd: entry.cost.uncached_usd },
    error: null,
    warnings: [],
    completed_at: now.toISOString(),
  };
}

/** A request refused before any provider call (e.g. a threshold outside the namespace's bounds). */
export function failedResult(request: RequestV1, error: WireError, now: Date): ResultV1 {
  return {
    request_id: request.request_id,
    tenant: request.tenant,
    status: 'failed',
    answer: null,
    cache: { outcome: 'bypass', tier: null, similarity: null, threshold: null, entry_id: null, rejected_by: null },
    usage: ZERO_USAGE,
    saved_usage: null,
    cost: { usd: 0, uncached_usd: 0, saved_usd: 0 },
    error,
    warnings: [],
    completed_at: now.toISOString(),
  };
}

/** The provider's answer (or failure) as the result the caller receives, with the lookup's verdict. */
export function completionResult(c: CompletionV1, storedEntryId: string | null, now: Date): ResultV1 {
  return {
    request_id: c.request_id,
    tenant: c.tenant,
    status: c.status,
    answer: c.answer,
    cache: {
      outcome: c.lookup.outcome,
      tier: null,
      similarity: c.lookup.nearest_similarity,
      threshold: c.lookup.threshold,
      entry_id: storedEntryId,
      rejected_by: c.lookup.rejected_by,
      probability: c.lookup.nearest_probability ?? null,
      target_false_hit_rate: c.lookup.target_false_hit_rate ?? null,
      decision_model: c.lookup.decision_model ?? null,
      ...(c.coalesced ? { coalesced: true } : {}),
      ...(c.lookup.candidates ? { candidates: c.lookup.candidates } : {}),
    },
    usage: c.usage,
    saved_usage: null,
    cost: c.cost,
    error: c.error,
    warnings: c.warnings,
    completed_at: now.toISOString(),
  };
}

/**
 * The semantic search's nearest entries as a result reports them, most similar first and at most
 * `MAX_NEAR_CANDIDATES`, with what the decision made of each; of two verdicts on one entry the
 * later wins (the acronym second look after the first).
 */
export function nearCandidates(
  found: ReadonlyArray<{ id: string; queryText: string; similarity: number }>,
  verdicts: readonly CandidateVerdict[],
): NearCandidate[] {
  const byEntry = new Map(verdicts.map((v) => [v.entryId, v]));
  return [...found]
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, MAX_NEAR_CANDIDATES)
    .map((c) => {
      const v = byEntry.get(c.id);
      const probability = v?.probability ?? null;
      return {
        entry_id: c.id,
        // Cut on a character, never between the halves of a surrogate pair.
        question: c.queryText.slice(0, MAX_CANDIDATE_QUESTION_CHARS).replace(/[\uD800-\uDBFF]$/, ''),
        similarity: round4(Math.max(-1, Math.min(1, c.similarity))),
        probability: probability === null ? null : round4(Math.max(0, Math.min(1, probability))),
        rejected_by: v?.rejectedBy ?? null,
      };
    });
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
