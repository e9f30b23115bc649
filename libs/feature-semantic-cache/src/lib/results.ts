import type { CacheDecision, CompletionV1, RequestV1, ResultV1, Usage, WireError } from '@deja/contracts';
import type { CacheEntry } from '@deja/data-access-cache';

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
    },
    usage: c.usage,
    saved_usage: null,
    cost: c.cost,
    error: c.error,
    warnings: c.warnings,
    completed_at: now.toISOString(),
  };
}
