import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import pgvector from 'pgvector/pg';
import { CacheRepository } from '@deja/data-access-cache';
import type { Embedder } from '@deja/data-access-embeddings';
import { openBenchSchema, serverVersions } from '../lib/bench-db';
import { SERVICE_TOP_K } from '../lib/cache-driver';
import { timeEmbedding, type EmbedTiming } from '../lib/embed-timing';
import { elapsedMs, ms, note, pct, Progress, quantile, round, table } from '../lib/report';
import { sampleQuestions } from '../lib/sample-questions';
import {
  loadSyntheticEntries,
  makeQueries,
  type HnswSettings,
  type LoadStats,
  type Query,
} from '../lib/synthetic-entries';

export interface ScaleOptions extends HnswSettings {
  entries: number[];
  queries: number;
  seed: number;
  databaseUrl: string;
  embedder: Embedder;
  /** Questions for the embedding timings (text_b of each pair); built-in ones without it. */
  data?: string;
  /** Keep the schema after the run (for inspection). */
  keep?: boolean;
}

export interface Measured {
  queries: number;
  p50_ms: number | null;
  p99_ms: number | null;
  recall_at_1: number | null;
  /** Lookups that returned no row although the scope holds the query's source entry. */
  empty: number;
  /** Rows returned per lookup (k = 5 asked; every scope holds at least 5 entries): a post-filtered HNSW scan returns fewer. */
  avg_rows: number | null;
}

export type IterativeMode = 'off' | 'relaxed_order' | 'strict_order';
const ITERATIVE: readonly IterativeMode[] = ['off', 'relaxed_order', 'strict_order'];

/** Scopes by their share of the table: the scope filter's selectivity. */
const BUCKETS = [
  { name: 'all', min: 0, max: 1, note: 'queries near uniformly drawn entries (popular scopes get more)' },
  { name: 'large', min: 0.03, max: 1, note: 'scopes holding ≥ 3% of the table' },
  { name: 'mid', min: 0.005, max: 0.03, note: 'scopes holding 0.5–3%' },
  { name: 'small', min: 0, max: 0.005, note: 'scopes holding < 0.5%' },
] as const;

export interface ScaleRow extends LoadStats {
  /** Deja's scoped lookup (CacheRepository.findNearest, k = 5) as shipped (iterative scan off), queries from the `all` bucket. */
  p50_ms: number | null;
  p99_ms: number | null;
  recall_at_1: number | null;
  /** Bare pgvector top-1 (`ORDER BY embedding <=> q LIMIT 1`, no filter) on the same table and queries. */
  pgvector_p50_ms: number | null;
  pgvector_p99_ms: number | null;
  pgvector_recall_at_1: number | null;
  /** The scoped lookup with index scans disabled: the exact answer and what it costs. */
  exact_scoped_p50_ms: number | null;
  hnsw: { m: number; ef_construction: number; ef_search: number };
  /** Per selectivity bucket and hnsw.iterative_scan setting; `plan` is the planner's choice for the scoped SQL. */
  iterative_scan: Record<
    string,
    { share: string; queries: number; median_scope_entries: number | null } & Record<
      IterativeMode,
      Measured & { plan: string }
    >
  >;
  /** The same with the planner pushed onto the HNSW index (enable_sort = off): what happens when it chooses HNSW. */
  iterative_scan_hnsw_forced: ScaleRow['iterative_scan'];
  embed: EmbedTiming;
  postgres: string;
  pgvector: string;
  shared_buffers: string;
}

export interface ScaleResult {
  rows: ScaleRow[];
}

export async function runScale(o: ScaleOptions): Promise<ScaleResult> {
  const rows: ScaleRow[] = [];
  for (const n of o.entries) rows.push(await measureSize(o, n));
  return { rows };
}

async function measureSize(o: ScaleOptions, n: number): Promise<ScaleRow> {
  const schema = `bench_scale_${randomUUID().slice(0, 8)}`;
  const db = await openBenchSchema(o.databaseUrl, schema, 1);
  const { pool } = db;
  const model = o.embedder.model;
  const dim = o.embedder.dimension;
  try {
    note(`scale: ${n} entries in ${schema}`);
    const load = await loadSyntheticEntries(pool, schema, n, dim, model, o, o.seed);
    note(
      `loaded in ${load.load_s} s, HNSW built in ${load.build_s} s (m ${o.m}, ef_construction ${o.efConstruction}); ${load.scopes} scopes in ${load.tenants} tenants`,
    );
    await pool.query(`SET hnsw.ef_search = ${o.efSearch}`);
    const repo = new CacheRepository(pool);
    const iterative: ScaleRow['iterative_scan'] = {};
    const iterativeForced: ScaleRow['iterative_scan'] = {};
    let main: Measured | null = null;
    let exactP50: number | null = null;
    let allQueries: Query[] = [];
    for (const bucket of BUCKETS) {
      const queries = await makeQueries(
        pool,
        schema,
        dim,
        bucket.name === 'all' ? o.queries : Math.ceil(o.queries / 2),
        bucket.min,
        bucket.max,
      );
      if (queries.length === 0) continue;
      if (bucket.name === 'all') allQueries = queries;
      // Ground truth: the same SQL with index scans off (HNSW can only be used through one).
      await pool.query('SET enable_indexscan = off');
      const exact = await timeScoped(repo, model, queries, `exact, ${bucket.name} scopes`);
      await pool.query('SET enable_indexscan = on');
      if (bucket.name === 'all') exactP50 = round(quantile(exact.latencies, 0.5), 3);
      const head = {
        share: `${(100 * bucket.min).toFixed(1)}–${(100 * bucket.max).toFixed(1)}%`,
        queries: queries.length,
        median_scope_entries: quantile(
          queries.map((q) => q.scopeSize),
          0.5,
        ),
      };
      const entry = { ...head } as ScaleRow['iterative_scan'][string];
      const forced = { ...head } as ScaleRow['iterative_scan'][string];
      for (const hnswForced of [false, true]) {
        // enable_sort = off makes the planner take the only plan that needs no sort: the HNSW index.
        await pool.query(`SET enable_sort = ${hnswForced ? 'off' : 'on'}`);
        for (const mode of ITERATIVE) {
          await pool.query(`SET hnsw.iterative_scan = ${mode}`);
          await timeScoped(repo, model, queries.slice(0, 10), 'warm-up');
          const run = await timeScoped(
            repo,
            model,
            queries,
            `${bucket.name} scopes, ${hnswForced ? 'HNSW forced, ' : ''}iterative_scan ${mode}`,
          );
          const measured = summarise(run, exact.top);
          (hnswForced ? forced : entry)[mode] = { ...measured, plan: await scopedPlan(pool, model, queries[0]) };
          if (bucket.name === 'all' && mode === 'off' && !hnswForced) main = measured;
        }
      }
      await pool.query('SET enable_sort = on');
      await pool.query('SET hnsw.iterative_scan = off');
      iterative[bucket.name] = entry;
      iterativeForced[bucket.name] = forced;
    }

    const bare = await timeBare(pool, dim, allQueries);
    const embed = await timeEmbedding(o.embedder, sampleQuestions(200, o.data), 100, 10);
    const versions = await serverVersions(pool);
    const { rows: sb } = await pool.query<{ v: string }>(`SELECT current_setting('shared_buffers') AS v`);
    return {
      ...load,
      p50_ms: main?.p50_ms ?? null,
      p99_ms: main?.p99_ms ?? null,
      recall_at_1: main?.recall_at_1 ?? null,
      pgvector_p50_ms: bare.p50_ms,
      pgvector_p99_ms: bare.p99_ms,
      pgvector_recall_at_1: bare.recall_at_1,
      exact_scoped_p50_ms: exactP50,
      hnsw: { m: o.m, ef_construction: o.efConstruction, ef_search: o.efSearch },
      iterative_scan: iterative,
      iterative_scan_hnsw_forced: iterativeForced,
      embed,
      postgres: versions.postgres,
      pgvector: versions.pgvector,
      shared_buffers: sb[0].v,
    };
  } finally {
    if (o.keep) await db.close();
    else await db.drop();
  }
}

interface Timed {
  latencies: number[];
  top: Array<string | null>;
  rows?: number[];
}

export async function timeScoped(
  repo: CacheRepository,
  model: string,
  queries: readonly Query[],
  label: string,
): Promise<Timed> {
  const out: Timed = { latencies: [], top: [], rows: [] };
  const progress = new Progress(label, queries.length, 'lookups');
  for (const q of queries) {
    const start = process.hrtime.bigint();
    const rows = await repo.findNearest(q.tenant, q.scopeHash, model, q.vector, SERVICE_TOP_K);
    out.latencies.push(elapsedMs(start));
    out.top.push(rows[0]?.id ?? null);
    out.rows?.push(rows.length);
    progress.tick(out.top.length);
  }
  return out;
}

export function summarise(run: Timed, truth: ReadonlyArray<string | null>): Measured {
  const agree = run.top.filter((id, i) => id !== null && id === truth[i]).length;
  return {
    queries: run.top.length,
    p50_ms: round(quantile(run.latencies, 0.5), 3),
    p99_ms: round(quantile(run.latencies, 0.99), 3),
    recall_at_1: run.top.length === 0 ? null : round(agree / run.top.length),
    empty: run.top.filter((id) => id === null).length,
    avg_rows: run.rows && run.rows.length > 0 ? round(run.rows.reduce((a, b) => a + b, 0) / run.rows.length, 2) : null,
  };
}

/** The bare pgvector query on the same table: the cost floor a hit is compared with. */
export async function timeBare(pool: Pool, dim: number, queries: readonly Query[]): Promise<Measured> {
  const sql = `SELECT e.id FROM cache_entries e WHERE e.embedding_dim = ${dim} ORDER BY (e.embedding::vector(${dim})) <=> $1::vector(${dim}) LIMIT 1`;
  const run = async (label: string): Promise<Timed> => {
    const out: Timed = { latencies: [], top: [] };
    const progress = new Progress(label, queries.length, 'queries');
    for (const q of queries) {
      const start = process.hrtime.bigint();
      const { rows } = await pool.query<{ id: string }>(sql, [pgvector.toSql(Array.from(q.vector))]);
      out.latencies.push(elapsedMs(start));
      out.top.push(rows[0]?.id ?? null);
      progress.tick(out.top.length);
    }
    return out;
  };
  await pool.query('SET enable_indexscan = off');
  const exact = await run('bare pgvector, exact');
  await pool.query('SET enable_indexscan = on');
  await run('bare pgvector, warm-up');
  return summarise(await run('bare pgvector top-1'), exact.top);
}

/** The planner's choice for the scoped lookup, captured from the repository's own SQL. */
async function scopedPlan(pool: Pool, model: string, q: Query): Promise<string> {
  let captured: { text: string; values: unknown[] } | null = null;
  const recorder = { query: async (text: string, values: unknown[]) => ((captured = { text, values }), { rows: [] }) };
  await new CacheRepository(recorder as unknown as Pool).findNearest(
    q.tenant,
    q.scopeHash,
    model,
    q.vector,
    SERVICE_TOP_K,
  );
  const c = captured as { text: string; values: unknown[] } | null;
  if (!c) return 'unknown';
  const { rows } = await pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${c.text}`, c.values);
  const names: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Index Name'] === 'string') names.push(`${node['Node Type']} ${node['Index Name']}`);
    else if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'cache_entries')
      names.push('Seq Scan cache_entries');
    for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
  };
  const plan = rows[0]['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>;
  walk(plan[0].Plan);
  return names.join(' + ') || 'other';
}

export function renderScale(r: ScaleResult): string {
  const out: string[] = [];
  out.push(
    table(
      [
        'entries',
        'scoped p50 ms',
        'p99 ms',
        'recall@1',
        'bare pgvector p50 ms',
        'p99 ms',
        'recall@1',
        'exact scoped p50 ms',
        'embed 1 q p50 ms',
        'load s',
        'HNSW build s',
        'bytes/entry',
      ],
      r.rows.map((x) => [
        x.entries,
        ms(x.p50_ms),
        ms(x.p99_ms),
        pct(x.recall_at_1),
        ms(x.pgvector_p50_ms),
        ms(x.pgvector_p99_ms),
        pct(x.pgvector_recall_at_1),
        ms(x.exact_scoped_p50_ms),
        ms(x.embed.single_p50_ms),
        x.load_s,
        x.build_s,
        x.bytes_per_entry,
      ]),
    ),
  );
  for (const x of r.rows) {
    out.push(
      '',
      `${x.entries} entries (${x.scopes} scopes, ${x.tenants} tenants; HNSW m ${x.hnsw.m}, ef_construction ${x.hnsw.ef_construction}, ef_search ${x.hnsw.ef_search}; Postgres ${x.postgres}, pgvector ${x.pgvector}): hnsw.iterative_scan by scope selectivity`,
    );
    const rows: Array<Array<string | number | null>> = [];
    for (const [planner, buckets] of [
      ['as planned', x.iterative_scan],
      ['HNSW forced', x.iterative_scan_hnsw_forced],
    ] as const) {
      for (const [bucket, b] of Object.entries(buckets)) {
        for (const mode of ITERATIVE) {
          const m = b[mode];
          rows.push([
            `${bucket} (${b.share}, median ${b.median_scope_entries} entries)`,
            planner,
            mode,
            m.queries,
            ms(m.p50_ms),
            ms(m.p99_ms),
            pct(m.recall_at_1),
            m.empty,
            m.avg_rows,
            shortPlan(m.plan),
          ]);
        }
      }
    }
    out.push(
      table(
        [
          'scopes',
          'planner',
          'iterative_scan',
          'queries',
          'p50 ms',
          'p99 ms',
          'recall@1',
          'empty',
          'rows/5',
          'index used for cache_entries',
        ],
        rows,
      ),
    );
    out.push(
      `embedding (${x.embed.model}): one query p50 ${ms(x.embed.single_p50_ms)} ms, p99 ${ms(x.embed.single_p99_ms)} ms; batch of 32 p50 ${ms(x.embed.batch32_p50_ms)} ms (${ms(x.embed.batch32_per_text_ms)} ms/text)`,
    );
  }
  return out.join('\n');
}

/** The part of a plan summary that matters here: which index reads cache_entries. */
function shortPlan(plan: string): string {
  const part = plan.split(' + ').find((p) => p.includes('cache_entries'));
  return part ?? plan;
}
