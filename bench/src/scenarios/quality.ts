import { randomUUID } from 'node:crypto';
import type { Embedder } from '@deja/data-access-embeddings';
import { CacheRepository } from '@deja/data-access-cache';
import { dot } from '@deja/data-access-embeddings';
import { curve, metrics, thresholdRange, type ScoredPair } from '@deja/util-cache-policy';
import type { LabelledPair } from '../lib/pairs';
import { readPairs, samplePairs } from '../lib/pairs';
import { openBenchSchema } from '../lib/bench-db';
import { CacheDriver, forEachLimited } from '../lib/cache-driver';
import { MemoryCacheRepository } from '../lib/memory-cache.repository';
import { PrecomputedEmbedder } from '../lib/precomputed-embedder';
import { note, pct, Progress, round, table } from '../lib/report';

export interface QualityOptions {
  data: string;
  limit?: number;
  seed: number;
  /** `memory`: SemanticCache on an in-memory repository; `sql`: on CacheRepository in Postgres. */
  mode: 'memory' | 'sql';
  databaseUrl: string;
  embedder: Embedder;
  embeddingsCache?: string;
  concurrency: number;
}

export interface Rates {
  threshold: number;
  precision: number | null;
  false_hit_rate: number | null;
  recall: number | null;
}

export interface QualityResult {
  shipped: Rates & { tp: number; fp: number; fn: number; tn: number };
  fixed: Rates[];
  meta: {
    data: string;
    pairs: number;
    positives: number;
    negatives: number;
    unlabelled_skipped: number;
    sample: { limit: number | null; seed: number };
    mode: 'memory' | 'sql';
    model: string;
    /** The decision rule the run used (learned stage and target, or a raw threshold). */
    rule: string;
    hits_by_tier: { exact: number; semantic: number };
    /** Semantic hits whose similarity is not the pair's plain cosine: served after acronym re-scoring. */
    acronym_hits: number;
    /** Misses where a candidate above the threshold was refused, by guard. */
    rejected_by: Record<string, number>;
    seconds: number;
  };
  /** Per pair, in sample order: served or not (for comparing modes; not written to --out). */
  decisions: boolean[];
}

/** Each pair in its own tenant: store text_a, ask text_b through the real decision path. */
export async function runQuality(o: QualityOptions): Promise<QualityResult> {
  const started = Date.now();
  const parsed = readPairs(o.data);
  if (parsed.errors.length > 0)
    note(
      `${o.data}: ${parsed.errors.length} bad line(s) skipped (first: line ${parsed.errors[0].line}: ${parsed.errors[0].message})`,
    );
  const pairs: LabelledPair[] = samplePairs(parsed.pairs, o.limit, o.seed);
  if (pairs.length === 0) throw new Error(`${o.data}: no labelled pairs`);
  note(
    `quality: ${pairs.length} labelled pairs from ${o.data} (${o.limit ? `seeded sample, seed ${o.seed}` : 'all'}), mode ${o.mode}`,
  );

  const embedder = new PrecomputedEmbedder(o.embedder);
  await embedder.prepare(
    pairs.flatMap((p) => [p.textA, p.textB]),
    o.embeddingsCache,
  );

  const runId = randomUUID().slice(0, 8);
  const db =
    o.mode === 'sql' ? await openBenchSchema(o.databaseUrl, `bench_quality_${runId}`, o.concurrency + 1) : null;
  const memory = db ? null : new MemoryCacheRepository();
  const driver = new CacheDriver(
    db ? new CacheRepository(db.pool) : (memory as MemoryCacheRepository),
    embedder,
    `q${runId}`,
  );
  const decisions = new Array<boolean>(pairs.length).fill(false);
  const tiers = { exact: 0, semantic: 0 };
  const rejectedBy: Record<string, number> = {};
  let acronymHits = 0;
  const progress = new Progress('quality', pairs.length, 'pairs');
  let done = 0;
  try {
    await forEachLimited(pairs, o.concurrency, async (p, i) => {
      const tenant = `q${runId}-${i}`;
      await driver.store(tenant, p.textA, `answer to line ${p.line}`);
      const asked = await driver.ask(tenant, p.textB);
      memory?.forgetTenant(tenant);
      decisions[i] = asked.outcome === 'hit';
      if (asked.tier) tiers[asked.tier] += 1;
      if (
        asked.tier === 'semantic' &&
        asked.similarity !== null &&
        Math.abs(asked.similarity - dot(embedder.vector(p.textA), embedder.vector(p.textB))) > 1e-4
      )
        acronymHits += 1;
      if (asked.rejectedBy) rejectedBy[asked.rejectedBy] = (rejectedBy[asked.rejectedBy] ?? 0) + 1;
      progress.tick(++done);
    });
  } finally {
    await db?.drop();
  }

  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  pairs.forEach((p, i) => {
    if (decisions[i]) c[p.label === 1 ? 'tp' : 'fp'] += 1;
    else c[p.label === 1 ? 'fn' : 'tn'] += 1;
  });
  const shipped = metrics(c, driver.threshold);
  const scored: ScoredPair[] = pairs.map((p) => ({
    similarity: dot(embedder.vector(p.textA), embedder.vector(p.textB)),
    label: p.label,
  }));
  const fixed = curve(scored, thresholdRange(0.8, 0.99, 0.01), 'none');
  const positives = pairs.filter((p) => p.label === 1).length;
  return {
    shipped: {
      threshold: shipped.threshold,
      tp: c.tp,
      fp: c.fp,
      fn: c.fn,
      tn: c.tn,
      precision: round(shipped.precision),
      false_hit_rate: round(shipped.falseHitRate),
      recall: round(shipped.recall),
    },
    fixed: fixed.map((f) => ({
      threshold: f.threshold,
      precision: round(f.precision),
      false_hit_rate: round(f.falseHitRate),
      recall: round(f.recall),
    })),
    meta: {
      data: o.data,
      pairs: pairs.length,
      positives,
      negatives: pairs.length - positives,
      unlabelled_skipped: parsed.unlabelled,
      sample: { limit: o.limit ?? null, seed: o.seed },
      mode: o.mode,
      model: embedder.model,
      rule: driver.rule,
      hits_by_tier: tiers,
      acronym_hits: acronymHits,
      rejected_by: rejectedBy,
      seconds: Math.round((Date.now() - started) / 1000),
    },
    decisions,
  };
}

export function renderQuality(r: QualityResult): string {
  const s = r.shipped;
  const m = r.meta;
  return [
    `quality: ${m.pairs} pairs (${m.positives} same meaning, ${m.negatives} different) from ${m.data}; ${m.unlabelled_skipped} unlabelled skipped; model ${m.model}; mode ${m.mode}; ${m.seconds} s`,
    '',
    `shipped decision path (exact tier, ${r.meta.rule}, acronym re-scoring):`,
    table(
      ['raw threshold', 'tp', 'fp', 'fn', 'tn', 'precision', 'false-hit rate', 'recall'],
      [[s.threshold.toFixed(2), s.tp, s.fp, s.fn, s.tn, pct(s.precision), pct(s.false_hit_rate), pct(s.recall)]],
    ),
    `hits by tier: exact ${m.hits_by_tier.exact}, semantic ${m.hits_by_tier.semantic} (after acronym re-scoring: ${m.acronym_hits}); ` +
      `refused above threshold by guard: ${
        Object.entries(m.rejected_by)
          .map(([g, n]) => `${g} ${n}`)
          .join(', ') || 'none'
      }`,
    '',
    'plain cosine threshold, no guards, same embeddings:',
    table(
      ['threshold', 'precision', 'false-hit rate', 'recall'],
      r.fixed.map((f) => [f.threshold.toFixed(2), pct(f.precision), pct(f.false_hit_rate), pct(f.recall)]),
    ),
  ].join('\n');
}
