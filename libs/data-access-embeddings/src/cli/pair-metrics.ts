/**
 * Scores for "would the cache have served text_b from text_a's entry?" on labelled pairs:
 * a pair is a hit when its cosine is at or above the threshold.
 */

/** Counts and rates at one threshold. false_hit_rate = fp / (tp + fp): the share of served hits that were wrong. */
export interface ThresholdRow {
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  falseHitRate: number;
  /** Share of all pairs that hit. */
  hitRate: number;
}

/** Area under the ROC curve by the rank-sum formula, ties counted half. Labels are 1 or 0. */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const n = scores.length;
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const ranks = new Array<number>(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  let positives = 0;
  let rankSum = 0;
  labels.forEach((label, i) => {
    if (label === 1) {
      positives++;
      rankSum += ranks[i];
    }
  });
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function thresholdRow(scores: readonly number[], labels: readonly number[], threshold: number): ThresholdRow {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  scores.forEach((s, i) => {
    const hit = s >= threshold;
    if (labels[i] === 1) {
      if (hit) tp++;
      else fn++;
    } else if (hit) fp++;
    else tn++;
  });
  const hits = tp + fp;
  return {
    threshold,
    tp,
    fp,
    fn,
    tn,
    precision: hits === 0 ? Number.NaN : tp / hits,
    recall: tp + fn === 0 ? Number.NaN : tp / (tp + fn),
    falseHitRate: hits === 0 ? Number.NaN : fp / hits,
    hitRate: scores.length === 0 ? Number.NaN : hits / scores.length,
  };
}

/** Thresholds from `from` to `to` inclusive in `step`s, rounded to avoid 0.8300000001. */
export function thresholdGrid(from = 0.8, to = 0.99, step = 0.01): number[] {
  const out: number[] = [];
  for (let k = 0; from + k * step <= to + 1e-9; k++) out.push(Math.round((from + k * step) * 1e6) / 1e6);
  return out;
}

/**
 * The lowest threshold (so the highest recall) whose false-hit rate is at most `maxFalseHitRate`,
 * searched over every distinct score; undefined when no threshold gets there.
 */
export function bestAtFalseHitRate(
  scores: readonly number[],
  labels: readonly number[],
  maxFalseHitRate: number,
): ThresholdRow | undefined {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let tp = 0;
  let fp = 0;
  let best: { threshold: number } | undefined;
  for (let k = 0; k < order.length; k++) {
    if (labels[order[k]] === 1) tp++;
    else fp++;
    const nextDiffers = k + 1 === order.length || scores[order[k + 1]] !== scores[order[k]];
    if (nextDiffers && fp / (tp + fp) <= maxFalseHitRate && tp > 0) best = { threshold: scores[order[k]] };
  }
  return best === undefined ? undefined : thresholdRow(scores, labels, best.threshold);
}

/** Spearman rank correlation (average ranks for ties), the usual STS-B score. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const rank = (v: readonly number[]) => {
    const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < v.length;) {
      let j = i;
      while (j + 1 < v.length && v[order[j + 1]] === v[order[i]]) j++;
      for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = mean(rx);
  const my = mean(ry);
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i] - mx) * (ry[i] - my);
    dx += (rx[i] - mx) ** 2;
    dy += (ry[i] - my) ** 2;
  }
  return num / Math.sqrt(dx * dy);
}
