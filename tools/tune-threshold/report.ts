import type { CurvePoint, GuardSelection, ScoredPair, Target } from '@deja/util-cache-policy';
import { GUARD_NAMES, curve, lowestThresholdMeeting } from '@deja/util-cache-policy';

/** Everything one tuning run measured; written as JSON by `--out`. */
export interface TuneReport {
  data: string;
  model: string;
  dimension: number;
  seed: number;
  limit: number | null;
  pairs: number;
  positives: number;
  negatives: number;
  unlabelled: number;
  badLines: number;
  target: Required<Pick<Target, 'maxFalseHitRate' | 'minRecall'>>;
  thresholds: number[];
  curves: {
    none: CurvePoint[];
    all: CurvePoint[];
    /** One guard alone. */
    only: Record<string, CurvePoint[]>;
    /** Every guard but one: what dropping that guard would cost. */
    allBut: Record<string, CurvePoint[]>;
  };
  /** How many pairs each guard vetoes, over all pairs (not only those above a threshold). */
  vetoes: Record<string, { positives: number; negatives: number }>;
  recommended: { withGuards: CurvePoint | null; withoutGuards: CurvePoint | null };
}

export function buildReport(
  meta: Omit<TuneReport, 'curves' | 'vetoes' | 'recommended' | 'positives' | 'negatives' | 'pairs'>,
  scored: readonly ScoredPair[],
): TuneReport {
  const at = (guards: GuardSelection) => curve(scored, meta.thresholds, guards);
  const only: Record<string, CurvePoint[]> = {};
  const allBut: Record<string, CurvePoint[]> = {};
  const vetoes: Record<string, { positives: number; negatives: number }> = {};
  for (const name of GUARD_NAMES) {
    only[name] = at([name]);
    allBut[name] = at(GUARD_NAMES.filter((n) => n !== name));
    vetoes[name] = { positives: 0, negatives: 0 };
  }
  for (const pair of scored) {
    for (const name of pair.vetoedBy ?? []) {
      if (pair.label === 1) vetoes[name].positives += 1;
      else vetoes[name].negatives += 1;
    }
  }
  const none = at('none');
  const all = at('all');
  const positives = scored.filter((p) => p.label === 1).length;
  return {
    ...meta,
    pairs: scored.length,
    positives,
    negatives: scored.length - positives,
    curves: { none, all, only, allBut },
    vetoes,
    recommended: {
      withGuards: lowestThresholdMeeting(all, meta.target),
      withoutGuards: lowestThresholdMeeting(none, meta.target),
    },
  };
}

const pct = (v: number | null) => (v === null ? '   n/a' : `${(100 * v).toFixed(1).padStart(5)}%`);
const signed = (v: number | null) =>
  v === null ? '    n/a' : `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}pp`.padStart(8);

/** The tables a person reads: the curve with and without guards, what each guard buys, the pick. */
export function renderReport(r: TuneReport, reference: number): string {
  const out: string[] = [];
  out.push(
    `data ${r.data}: ${r.pairs} labelled pairs (${r.positives} same-meaning, ${r.negatives} different)` +
      `${r.limit !== null ? `, seeded sample (seed ${r.seed}, limit ${r.limit})` : ''}; ${r.unlabelled} unlabelled skipped; ${r.badLines} bad lines`,
  );
  out.push(
    `model ${r.model} (dimension ${r.dimension}); target false-hit rate ≤ ${pct(r.target.maxFalseHitRate).trim()} with recall ≥ ${pct(r.target.minRecall).trim()}`,
  );
  out.push('');
  out.push(
    'threshold |   similarity only: precision  recall  false-hit  served |   + all guards: precision  recall  false-hit  served',
  );
  r.thresholds.forEach((t, i) => {
    const a = r.curves.none[i];
    const b = r.curves.all[i];
    out.push(
      `${t.toFixed(2).padStart(9)} | ${' '.repeat(18)}${pct(a.precision)} ${pct(a.recall)}     ${pct(a.falseHitRate)} ${pct(a.hitRate)} | ${' '.repeat(15)}${pct(b.precision)} ${pct(b.recall)}     ${pct(b.falseHitRate)} ${pct(b.hitRate)}`,
    );
  });
  const picks = [r.recommended.withGuards?.threshold, reference].filter((t): t is number => t !== undefined);
  for (const threshold of [...new Set(picks)]) out.push('', ...guardTable(r, threshold));
  out.push('');
  const describe = (label: string, p: CurvePoint | null) =>
    p
      ? `${label}: threshold ${p.threshold.toFixed(2)} — precision ${pct(p.precision).trim()}, false-hit rate ${pct(p.falseHitRate).trim()}, recall ${pct(p.recall).trim()} (tp ${p.tp}, fp ${p.fp}, fn ${p.fn}, tn ${p.tn})`
      : `${label}: no threshold in range reaches the target`;
  out.push(describe('lowest threshold meeting the target with all guards   ', r.recommended.withGuards));
  out.push(describe('lowest threshold meeting the target, similarity only  ', r.recommended.withoutGuards));
  return out.join('\n');
}

/** What each guard buys at one threshold: alone (vs similarity only) and dropped (vs all guards). */
function guardTable(r: TuneReport, threshold: number): string[] {
  const index = r.thresholds.findIndex((t) => Math.abs(t - threshold) < 1e-9);
  if (index < 0) return [`(threshold ${threshold} is not on the measured grid)`];
  const none = r.curves.none[index];
  const all = r.curves.all[index];
  const delta = (a: number | null, b: number | null) => (a !== null && b !== null ? a - b : null);
  const out = [
    `what each guard buys at threshold ${threshold.toFixed(2)} (alone: vs similarity only; dropped: vs all guards)`,
    'guard       | vetoes pos/neg (all pairs) | alone: precision  recall  Δprecision  Δrecall | dropped: precision  recall',
    `similarity  | ${' '.repeat(26)} | ${' '.repeat(6)}${pct(none.precision)} ${pct(none.recall)}    ${' '.repeat(17)} |`,
  ];
  for (const name of GUARD_NAMES) {
    const alone = r.curves.only[name][index];
    const dropped = r.curves.allBut[name][index];
    const v = r.vetoes[name];
    out.push(
      `${name.padEnd(11)} | ${`${v.positives}/${v.negatives}`.padStart(26)} | ${' '.repeat(6)}${pct(alone.precision)} ${pct(alone.recall)}    ` +
        `${signed(delta(alone.precision, none.precision))} ${signed(delta(alone.recall, none.recall))} | ${' '.repeat(9)}${pct(dropped.precision)} ${pct(dropped.recall)}`,
    );
  }
  out.push(
    `all guards  | ${' '.repeat(26)} | ${' '.repeat(6)}${pct(all.precision)} ${pct(all.recall)}    ${signed(delta(all.precision, none.precision))} ${signed(delta(all.recall, none.recall))} |` +
      ` served ${all.tp + all.fp} (tp ${all.tp}, fp ${all.fp}) vs ${none.tp + none.fp} (tp ${none.tp}, fp ${none.fp})`,
  );
  return out;
}
