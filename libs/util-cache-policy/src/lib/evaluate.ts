/** One labelled pair, scored: what the offline evaluation needs. */
export interface ScoredPair {
  /** Cosine similarity of the two texts' embeddings. */
  similarity: number;
  /** 1: the cached answer to one may serve the other; 0: it must not. */
  label: 0 | 1;
  /** Names of every guard that vetoes this pair (each guard run on its own, not first-veto). */
  vetoedBy?: readonly string[];
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface CurvePoint extends Confusion {
  threshold: number;
  /** tp / (tp + fp); null when nothing is served. */
  precision: number | null;
  /** fp / (tp + fp): the share of served answers that are wrong; null when nothing is served. */
  falseHitRate: number | null;
  /** tp / (tp + fn); null when there are no positives. */
  recall: number | null;
  /** (tp + fp) / all pairs: how often the cache would answer. */
  hitRate: number;
}

/** Which guards count: none, all of a pair's vetoes, or only the named ones. */
export type GuardSelection = 'none' | 'all' | readonly string[];

function vetoed(pair: ScoredPair, guards: GuardSelection): boolean {
  if (guards === 'none' || !pair.vetoedBy || pair.vetoedBy.length === 0) return false;
  if (guards === 'all') return true;
  return pair.vetoedBy.some((name) => guards.includes(name));
}

/** Confusion counts at one threshold: served = similarity ≥ threshold and no selected guard vetoes. */
export function confusionAt(
  pairs: readonly ScoredPair[],
  threshold: number,
  guards: GuardSelection = 'none',
): Confusion {
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const pair of pairs) {
    const served = pair.similarity >= threshold && !vetoed(pair, guards);
    if (served) {
      if (pair.label === 1) c.tp += 1;
      else c.fp += 1;
    } else if (pair.label === 1) c.fn += 1;
    else c.tn += 1;
  }
  return c;
}

/** Precision, false-hit rate, recall and hit rate from confusion counts. */
export function metrics(c: Confusion, threshold: number): CurvePoint {
  const served = c.tp + c.fp;
  const positives = c.tp + c.fn;
  const total = served + c.fn + c.tn;
  return {
    threshold,
    ...c,
    precision: served === 0 ? null : c.tp / served,
    falseHitRate: served === 0 ? null : c.fp / served,
    recall: positives === 0 ? null : c.tp / positives,
    hitRate: total === 0 ? 0 : served / total,
  };
}

/** The metrics at each threshold. */
export function curve(
  pairs: readonly ScoredPair[],
  thresholds: readonly number[],
  guards: GuardSelection = 'none',
): CurvePoint[] {
  return thresholds.map((t) => metrics(confusionAt(pairs, t, guards), t));
}

/** Thresholds from `from` to `to` inclusive in steps of `step`, without floating-point drift. */
export function thresholdRange(from: number, to: number, step: number): number[] {
  if (!(step > 0) || to < from) throw new RangeError(`bad range ${from}..${to} step ${step}`);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const count = Math.floor((to - from) / step + 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => Number((from + i * step).toFixed(decimals)));
}

export interface Target {
  /** Largest acceptable false-hit rate (e.g. 0.02). */
  maxFalseHitRate?: number;
  /** Smallest acceptable precision. */
  minPrecision?: number;
  /** Smallest acceptable recall: a threshold that serves almost nothing is no answer. */
  minRecall?: number;
}

function meets(point: CurvePoint, target: Target): boolean {
  if (point.precision === null || point.falseHitRate === null) return false;
  if (target.maxFalseHitRate !== undefined && point.falseHitRate > target.maxFalseHitRate) return false;
  if (target.minPrecision !== undefined && point.precision < target.minPrecision) return false;
  if (target.minRecall !== undefined && (point.recall ?? 0) < target.minRecall) return false;
  return true;
}

/**
 * The lowest threshold on the curve that meets the target and from which every higher threshold
 * meets the precision/false-hit part of it too (a lucky dip below a bad stretch is not a
 * setting anyone can rely on). Null when no threshold does.
 */
export function lowestThresholdMeeting(points: readonly CurvePoint[], target: Target): CurvePoint | null {
  const sorted = [...points].sort((a, b) => a.threshold - b.threshold);
  const quality: Target = { maxFalseHitRate: target.maxFalseHitRate, minPrecision: target.minPrecision };
  let best: CurvePoint | null = null;
  for (let i = sorted.length - 1; i >= 0; i -= 1) {
    const point = sorted[i];
    // Past a point that serves nothing, higher thresholds cannot be judged; they do not break the run.
    if (point.precision !== null && !meets(point, quality)) break;
    if (meets(point, target)) best = point;
  }
  return best;
}
