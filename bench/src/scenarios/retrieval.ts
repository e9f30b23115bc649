import { randomUUID } from 'node:crypto';
import { CacheRepository } from '@deja/data-access-cache';
import type { Embedder } from '@deja/data-access-embeddings';
import { readPairs } from '../lib/pairs';
import { openBenchSchema } from '../lib/bench-db';
import { CacheDriver } from '../lib/cache-driver';
import { MemoryCacheRepository } from '../lib/memory-cache.repository';
import { PrecomputedEmbedder } from '../lib/precomputed-embedder';
import { elapsedMs, mean, ms, note, Progress, quantile, round, table } from '../lib/report';

export interface RetrievalOptions {
  data: string;
  limit: number;
  mode: 'memory' | 'sql';
  databaseUrl: string;
  embedder: Embedder;
  /** Also ask every question again at each of these thresholds (per-request override, guards on). */
  sweep?: number[];
}

export interface SweepPoint {
  threshold: number;
  correct: number;
  wrong: number;
  miss: number;
}

export interface RetrievalResult {
  correct: number;
  wrong: number;
  miss: number;
  avg_ms: number | null;
  meta: {
    data: string;
    pairs: number;
    mode: 'memory' | 'sql';
    model: string;
    threshold: number;
    /** The decision rule the run used (learned stage and target, or a raw threshold). */
    rule: string;
    p50_ms: number | null;
    p99_ms: number | null;
    /** Per lookup, from the cache's own stage metrics. */
    avg_embed_ms: number | null;
    avg_semantic_sql_ms: number | null;
    hits_by_tier: { exact: number; semantic: number };
    rejected_by: Record<string, number>;
    /** The same protocol at other thresholds, guards on (embeddings reused: no latency). */
    sweep: SweepPoint[];
  };
}

/** GPTCache's published figures on its 999-pair set, for the table. */
export const GPTCACHE_REFERENCE = [
  { setting: 'GPTCache, loosest setting', correct: 904, wrong: 92, miss: 3 },
  { setting: 'GPTCache, strictest setting', correct: 425, wrong: 25, miss: 549 },
];

/**
 * GPTCache's retrieval protocol: every text_a of the first `limit` same-meaning pairs is stored
 * in ONE scope (its answer is its pair's id); then every text_b is asked. A hit on its own pair's
 * entry is correct, a hit on any other entry is wrong, no hit is a miss. Questions are asked one
 * at a time through the real lookup, embedding included, as the service would.
 */
export async function runRetrieval(o: RetrievalOptions): Promise<RetrievalResult> {
  const pairs = readPairs(o.data)
    .pairs.filter((p) => p.label === 1)
    .slice(0, o.limit);
  if (pairs.length === 0) throw new Error(`${o.data}: no same-meaning pairs`);
  note(`retrieval: first ${pairs.length} same-meaning pairs of ${o.data}, mode ${o.mode}`);
  // Stored questions are embedded in batches (storing is not timed); asked ones go to the model one by one.
  const embedder = new PrecomputedEmbedder(o.embedder);
  await embedder.prepare(pairs.map((p) => p.textA));

  const runId = randomUUID().slice(0, 8);
  const db = o.mode === 'sql' ? await openBenchSchema(o.databaseUrl, `bench_retrieval_${runId}`, 2) : null;
  const driver = new CacheDriver(
    db ? new CacheRepository(db.pool) : new MemoryCacheRepository(),
    embedder,
    `r${runId}`,
  );
  const tenant = `r${runId}`;
  const latencies: number[] = [];
  let correct = 0;
  let wrong = 0;
  let miss = 0;
  const tiers = { exact: 0, semantic: 0 };
  const rejectedBy: Record<string, number> = {};
  try {
    const storing = new Progress('retrieval: storing', pairs.length, 'entries');
    for (let i = 0; i < pairs.length; i++) {
      await driver.store(tenant, pairs[i].textA, `pair-${i}`);
      storing.tick(i + 1);
    }
    const before = await driver.stageTotals();
    const asking = new Progress('retrieval: asking', pairs.length, 'questions');
    for (let i = 0; i < pairs.length; i++) {
      const start = process.hrtime.bigint();
      const asked = await driver.ask(tenant, pairs[i].textB);
      latencies.push(elapsedMs(start));
      if (asked.outcome === 'miss') miss += 1;
      else if (asked.answer === `pair-${i}`) correct += 1;
      else wrong += 1;
      if (asked.tier) tiers[asked.tier] += 1;
      if (asked.rejectedBy) rejectedBy[asked.rejectedBy] = (rejectedBy[asked.rejectedBy] ?? 0) + 1;
      asking.tick(i + 1);
    }
    const after = await driver.stageTotals();
    const sweep: SweepPoint[] = [];
    for (const threshold of o.sweep ?? []) {
      const point: SweepPoint = { threshold, correct: 0, wrong: 0, miss: 0 };
      const progress = new Progress(`retrieval: threshold ${threshold}`, pairs.length, 'questions');
      for (let i = 0; i < pairs.length; i++) {
        const asked = await driver.ask(tenant, pairs[i].textB, threshold);
        if (asked.outcome === 'miss') point.miss += 1;
        else if (asked.answer === `pair-${i}`) point.correct += 1;
        else point.wrong += 1;
        progress.tick(i + 1);
      }
      sweep.push(point);
    }
    const perLookup = (stage: string) => {
      const a = after[stage];
      if (!a) return null;
      const b = before[stage] ?? { seconds: 0, count: 0 };
      return round(((a.seconds - b.seconds) * 1000) / pairs.length, 3);
    };
    return {
      correct,
      wrong,
      miss,
      avg_ms: round(mean(latencies), 3),
      meta: {
        data: o.data,
        pairs: pairs.length,
        mode: o.mode,
        model: embedder.model,
        threshold: driver.threshold,
        rule: driver.rule,
        p50_ms: round(quantile(latencies, 0.5), 3),
        p99_ms: round(quantile(latencies, 0.99), 3),
        avg_embed_ms: perLookup('embed'),
        avg_semantic_sql_ms: perLookup('semantic_lookup'),
        hits_by_tier: tiers,
        rejected_by: rejectedBy,
        sweep,
      },
    };
  } finally {
    await db?.drop();
  }
}

export function renderRetrieval(r: RetrievalResult): string {
  const m = r.meta;
  return [
    `retrieval: ${m.pairs} pairs, one scope, model ${m.model}, ${m.rule}, mode ${m.mode}`,
    table(
      ['setting', 'correct', 'wrong', 'miss', 'avg ms'],
      [
        [`Deja (shipped policy)`, r.correct, r.wrong, r.miss, ms(r.avg_ms)],
        ...GPTCACHE_REFERENCE.map((g) => [g.setting, g.correct, g.wrong, g.miss, 'n/a'] as const),
      ],
    ),
    `lookup latency p50 ${ms(m.p50_ms)} ms, p99 ${ms(m.p99_ms)} ms; per lookup: embedding ${ms(m.avg_embed_ms)} ms, semantic SQL ${ms(m.avg_semantic_sql_ms)} ms`,
    ...(m.sweep.length > 0
      ? [
          '',
          'Deja at other thresholds (per-request override, guards on):',
          table(
            ['threshold', 'correct', 'wrong', 'miss'],
            m.sweep.map((p) => [p.threshold.toFixed(2), p.correct, p.wrong, p.miss]),
          ),
          '',
        ]
      : []),
    `hits by tier: exact ${m.hits_by_tier.exact}, semantic ${m.hits_by_tier.semantic}; refused above threshold by guard: ` +
      `${
        Object.entries(m.rejected_by)
          .map(([g, n]) => `${g} ${n}`)
          .join(', ') || 'none'
      }`,
  ].join('\n');
}
