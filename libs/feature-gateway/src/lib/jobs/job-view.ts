import { z } from 'zod';
import { CacheOptions, ChatRequest, Identifier } from '@deja/contracts';
import type { JobRecord } from '@deja/data-access-jobs';
import { visibleProbability, visibleSimilarity, type ViewOptions } from '../translate/headers';

/** `POST /v1/jobs` body: the neutral request, Deja's options, and an optional client id for idempotency. */
export const JobSubmissionBody = ChatRequest.extend({
  id: Identifier.optional().describe('Your own id: submitting it again (same tenant) returns the existing job'),
  deja: CacheOptions.optional(),
});

export const JobWaitQuery = z.object({
  wait: z.coerce.number().min(0, 'must be 0 or more seconds').optional(),
});

function round4(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}

/** The public view of a job (with `debug`, also a miss's nearest similarity and probability). */
export function jobView(job: JobRecord, options: ViewOptions = {}): Record<string, unknown> {
  const r = job.result;
  return {
    id: job.id,
    client_id: job.clientId,
    status: job.status,
    answer: r?.answer ?? null,
    cache: r
      ? {
          outcome: r.cache.outcome,
          tier: r.cache.tier,
          // Rounded as in `x-deja-similarity`: more digits are float noise, not information.
          similarity: round4(visibleSimilarity(r.cache, options)),
          threshold: round4(r.cache.threshold),
          entry_id: r.cache.entry_id,
          rejected_by: r.cache.rejected_by ?? null,
          probability: visibleProbability(r.cache, options),
          target_false_hit_rate: r.cache.target_false_hit_rate ?? null,
          decision_model: r.cache.decision_model ?? null,
          coalesced: r.cache.coalesced === true,
        }
      : null,
    usage: r?.usage ?? null,
    saved_usage: r?.saved_usage ?? null,
    cost: r ? { usd: r.cost.usd, uncached_usd: r.cost.uncached_usd, saved_usd: r.cost.saved_usd } : null,
    error: r?.error ?? job.error ?? null,
    warnings: r?.warnings ?? [],
    created_at: new Date(job.createdAt).toISOString(),
    completed_at: job.completedAt ? new Date(job.completedAt).toISOString() : null,
  };
}
