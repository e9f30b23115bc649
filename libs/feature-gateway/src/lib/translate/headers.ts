import type { ResultV1 } from '@deja/contracts';

/** The `x-deja-*` response headers that say what the cache did and what it saved. */
export function cacheHeaders(jobId: string, result: ResultV1 | null): Record<string, string> {
  const h: Record<string, string> = { 'x-deja-job-id': jobId };
  if (!result) return h;
  const c = result.cache;
  // A coalesced miss shared another request's provider call: it reports savings, so it must not read as a plain miss.
  h['x-deja-cache'] = c.outcome === 'miss' && c.coalesced ? 'coalesced' : c.outcome;
  h['x-deja-tier'] = c.tier ?? 'none';
  if (c.similarity !== null) h['x-deja-similarity'] = c.similarity.toFixed(4);
  if (c.threshold !== null) h['x-deja-threshold'] = c.threshold.toFixed(4);
  if (c.entry_id !== null) h['x-deja-entry'] = c.entry_id;
  if (c.rejected_by) h['x-deja-rejected-by'] = c.rejected_by;
  h['x-deja-saved-usd'] = result.cost.saved_usd.toFixed(6);
  return h;
}
