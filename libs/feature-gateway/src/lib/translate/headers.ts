import type { CacheDecision, ResultV1 } from '@deja/contracts';

/** Whether to show what only an operator debugging the cache should see. */
export interface ViewOptions {
  /** The admin key asked for the debug view (`GET /v1/admin/tenants/{tenant}/jobs/{id}`). */
  debug?: boolean;
}

/**
 * The similarity a response may show: the served entry's on a hit. On a miss it is the nearest
 * *other* question's in the scope — shown to any caller it would let one user probe, request by
 * request, how close their text comes to what others asked — so only the debug view has it.
 */
export function visibleSimilarity(cache: CacheDecision, options: ViewOptions = {}): number | null {
  return cache.outcome === 'hit' || options.debug ? cache.similarity : null;
}

/**
 * The decision stage's probability a response may show: the served entry's on a hit; on a miss
 * it scores another question against this one, so, like the similarity, only the debug view has it.
 */
export function visibleProbability(cache: CacheDecision, options: ViewOptions = {}): number | null {
  return cache.outcome === 'hit' || options.debug ? (cache.probability ?? null) : null;
}

/** The `x-deja-*` response headers that say what the cache did and what it saved. */
export function cacheHeaders(
  jobId: string,
  result: ResultV1 | null,
  options: ViewOptions = {},
): Record<string, string> {
  const h: Record<string, string> = { 'x-deja-job-id': jobId };
  if (!result) return h;
  const c = result.cache;
  // A coalesced miss shared another request's provider call: it reports savings, so it must not read as a plain miss.
  h['x-deja-cache'] = c.outcome === 'miss' && c.coalesced ? 'coalesced' : c.outcome;
  h['x-deja-tier'] = c.tier ?? 'none';
  const similarity = visibleSimilarity(c, options);
  if (similarity !== null) h['x-deja-similarity'] = similarity.toFixed(4);
  if (c.threshold !== null) h['x-deja-threshold'] = c.threshold.toFixed(4);
  if (c.entry_id !== null) h['x-deja-entry'] = c.entry_id;
  if (c.rejected_by) h['x-deja-rejected-by'] = c.rejected_by;
  const decision = decisionHeader(c, visibleProbability(c, options));
  if (decision) h['x-deja-decision'] = decision;
  h['x-deja-saved-usd'] = result.cost.saved_usd.toFixed(6);
  return h;
}

/**
 * The headers of a live stream, sent before the answer is known: the job (where the whole
 * decision, usage and cost can be read once it is finished) and what the lookup decided.
 */
export function liveHeaders(jobId: string, outcome: 'miss' | 'bypass'): Record<string, string> {
  return { 'x-deja-job-id': jobId, 'x-deja-cache': outcome, 'x-deja-tier': 'none', 'x-deja-stream': 'live' };
}

/**
 * The learned stage's verdict in one header: `probability=0.9731; target_false_hit_rate=0.02;
 * model=…` (absent when a raw threshold decided).
 */
function decisionHeader(c: ResultV1['cache'], probability: number | null): string | null {
  if (c.target_false_hit_rate === null || c.target_false_hit_rate === undefined) return null;
  const parts = [`target_false_hit_rate=${c.target_false_hit_rate}`];
  if (probability !== null) parts.unshift(`probability=${probability.toFixed(4)}`);
  if (c.decision_model) parts.push(`model=${c.decision_model}`);
  return parts.join('; ');
}
