import type { ResultV1 } from '@deja/contracts';

/** The `x-deja-*` response headers that say what the cache did and what it saved. */
export function cacheHeaders(jobId: string, result: ResultV1 | null): Record<string, string> {
  const h: Record<string, string> = { 'x-deja-job-id': jobId };
  if (!result) return h;
  const c = result.cache;
  h['x-deja-cache'] = c.outcome;
  h['x-deja-tier'] = c.tier ?? 'none';
  if (c.similarity !== null) h['x-deja-similarity'] = c.similarity.toFixed(4);
  if (c.threshold !== null) h['x-deja-threshold'] = c.threshold.toFixed(4);
  if (c.entry_id !== null) h['x-deja-entry'] = c.entry_id;
  if (c.rejected_by) h['x-deja-rejected-by'] = c.rejected_by;
  const decision = decisionHeader(c);
  if (decision) h['x-deja-decision'] = decision;
  h['x-deja-saved-usd'] = result.cost.saved_usd.toFixed(6);
  return h;
}

/**
 * The learned stage's verdict in one header: `probability=0.9731; target_false_hit_rate=0.02;
 * model=…` (absent when a raw threshold decided).
 */
function decisionHeader(c: ResultV1['cache']): string | null {
  if (c.target_false_hit_rate === null || c.target_false_hit_rate === undefined) return null;
  const parts = [`target_false_hit_rate=${c.target_false_hit_rate}`];
  if (c.probability !== null && c.probability !== undefined) parts.unshift(`probability=${c.probability.toFixed(4)}`);
  if (c.decision_model) parts.push(`model=${c.decision_model}`);
  return parts.join('; ');
}
