import type { Pool } from 'pg';
import { elapsedMs, Progress } from './report';

export interface HnswSettings {
  m: number;
  efConstruction: number;
  efSearch: number;
}

export interface LoadStats {
  entries: number;
  tenants: number;
  scopes: number;
  clusters: number;
  load_s: number;
  build_s: number;
  table_bytes: number;
  index_bytes: number;
  bytes_per_entry: number;
  maintenance_work_mem: string;
}

/**
 * Shape of the synthetic data, chosen to look like real sentence embeddings of cached questions:
 * - anisotropic: every vector shares a common direction, so unrelated questions sit at cosine
 *   ≈ 0.35 (small sentence models put random sentences at 0.3–0.5), not at 0;
 * - clustered by topic: N/100 topics; two questions of one topic sit at cosine ≈ 0.75;
 * - topics are shared across tenants (many tenants ask about the same things), so a query's
 *   nearest neighbours are mostly in other scopes — the hard case for a filtered HNSW search;
 * - scope sizes are Zipf-like (a scope of rank r holds ∝ 1/r of the entries; N/100 scopes,
 *   N/1000 tenants, at least 10): a few large scopes and a long tail of small ones;
 * - a query is a stored entry plus noise (cosine ≈ 0.94 to it): a paraphrase of a cached question.
 */
export const SHAPE = { biasWeight: 0.73, entrySd: 0.0366, querySd: 0.0185, entriesPerCluster: 100, entriesPerScope: 100, entriesPerTenant: 1000 } as const;

/** Loads `n` synthetic entries into the (empty) cache_entries of the pool's schema and builds the HNSW index. */
export async function loadSyntheticEntries(pool: Pool, schema: string, n: number, dim: number, model: string, hnsw: HnswSettings, seed: number): Promise<LoadStats> {
  const clusters = Math.max(20, Math.round(n / SHAPE.entriesPerCluster));
  const scopes = Math.max(10, Math.round(n / SHAPE.entriesPerScope));
  const tenants = Math.max(10, Math.round(n / SHAPE.entriesPerTenant));
  const client = await pool.connect();
  try {
    await client.query(`SELECT setseed($1)`, [((seed % 1000) + 0.5) / 1000]);
    await client.query(`
      CREATE OR REPLACE FUNCTION ${schema}.gauss_vec(dim int, sd float8) RETURNS vector LANGUAGE sql VOLATILE AS $$
        SELECT array_agg(sd * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::vector FROM generate_series(1, dim)
      $$`);
    // The HNSW index is dropped and rebuilt after loading, so its build time is measured on its own.
    const { rows: idx } = await client.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'cache_entries' AND indexdef ILIKE '%USING hnsw%'`, [schema]);
    for (const i of idx) await client.query(`DROP INDEX ${schema}.${i.indexname}`);
    await client.query(`DROP TABLE IF EXISTS ${schema}.topics`);
    await client.query(`CREATE TABLE ${schema}.topics AS
      WITH bias AS (SELECT ${schema}.gauss_vec(${dim}, ${SHAPE.biasWeight} / sqrt(${dim})) AS b)
      SELECT k, b + ${schema}.gauss_vec(${dim}, 1 / sqrt(${dim})) AS v FROM bias, generate_series(0, ${clusters - 1}) k`);
    await client.query(`CREATE UNIQUE INDEX ON ${schema}.topics (k)`);

    const started = process.hrtime.bigint();
    const chunk = 5000;
    const progress = new Progress(`loading ${n} entries`, n, 'entries');
    for (let from = 1; from <= n; from += chunk) {
      const to = Math.min(n, from + chunk - 1);
      await client.query(
        `WITH picks AS (
           SELECT g, floor(random() * ${clusters})::int AS k, greatest(1, least(${scopes}, floor(exp(random() * ln(${scopes} + 1)))::int)) AS r
           FROM generate_series($1::int, $2::int) g)
         INSERT INTO cache_entries (tenant, namespace, scope_hash, query_hash, normalized_query, query_text, embedding, embedding_model, embedding_dim,
           request_id, provider, model, answer, usage, cost, namespace_version, ttl_seconds, expires_at)
         SELECT 't' || (p.r % ${tenants}), 'default', md5('scope-' || p.r), md5('q-' || p.g), 'synthetic question number ' || p.g,
           'Synthetic question number ' || p.g || ' about topic ' || p.k || '?',
           l2_normalize(t.v + ${schema}.gauss_vec(${dim}, ${SHAPE.entrySd})), $3, ${dim},
           'req-' || p.g, 'openai', 'gpt-4o-mini',
           jsonb_build_object('content', repeat('A cached answer of typical length. ', 17), 'finish_reason', 'stop', 'simulated', true),
           '{"input_tokens":800,"cache_write_tokens":0,"cache_read_tokens":0,"output_tokens":150}'::jsonb,
           '{"usd":0.002,"uncached_usd":0.002,"saved_usd":0}'::jsonb, 1, 604800, now() + interval '7 days'
         FROM picks p JOIN ${schema}.topics t ON t.k = p.k`,
        [from, to, model],
      );
      progress.tick(to);
    }
    const loadS = elapsedMs(started) / 1000;

    const { rows: mwm } = await client.query<{ v: string }>(`SELECT current_setting('maintenance_work_mem') AS v`);
    // Enough memory for the graph of 100k entries, so the build does not spill (noted in the results).
    await client.query(`SET maintenance_work_mem = '1GB'`);
    const buildStart = process.hrtime.bigint();
    await client.query(
      `CREATE INDEX cache_entries_hnsw_${dim} ON cache_entries USING hnsw ((embedding::vector(${dim})) vector_cosine_ops)
       WITH (m = ${hnsw.m}, ef_construction = ${hnsw.efConstruction}) WHERE embedding_dim = ${dim}`,
    );
    const buildS = elapsedMs(buildStart) / 1000;
    await client.query(`RESET maintenance_work_mem`);
    await client.query(`ANALYZE cache_entries`);
    const { rows: size } = await client.query<{ total: string; idx: string }>(
      `SELECT pg_total_relation_size('cache_entries') AS total, pg_relation_size('cache_entries_hnsw_${dim}') AS idx`);
    const total = Number(size[0].total);
    return {
      entries: n, tenants, scopes, clusters, load_s: Number(loadS.toFixed(1)), build_s: Number(buildS.toFixed(1)),
      table_bytes: total, index_bytes: Number(size[0].idx), bytes_per_entry: Math.round(total / n),
      maintenance_work_mem: `${mwm[0].v} (1GB for the index build)`,
    };
  } finally {
    client.release();
  }
}

export interface Query {
  entryId: string;
  tenant: string;
  scopeHash: string;
  /** Entries in the query's scope. */
  scopeSize: number;
  vector: Float32Array;
}

/**
 * `count` queries near stored entries whose scope holds between `minShare` and `maxShare` of the
 * table (0..1), entries drawn uniformly — so large scopes get more queries, as popular ones do.
 */
export async function makeQueries(pool: Pool, schema: string, dim: number, count: number, minShare: number, maxShare: number): Promise<Query[]> {
  const { rows } = await pool.query<{ id: string; tenant: string; scope_hash: string; size: string; v: string }>(
    `WITH sizes AS (SELECT tenant, scope_hash, count(*) AS size FROM cache_entries GROUP BY 1, 2),
          total AS (SELECT count(*)::float8 AS n FROM cache_entries)
     SELECT e.id, e.tenant, e.scope_hash, s.size,
            l2_normalize(e.embedding::vector(${dim}) + ${schema}.gauss_vec(${dim}, ${SHAPE.querySd}))::text AS v
     FROM cache_entries e JOIN sizes s USING (tenant, scope_hash), total
     WHERE s.size >= $1 * total.n AND s.size <= $2 * total.n
     ORDER BY random() LIMIT $3`,
    [minShare, maxShare, count],
  );
  return rows.map((r) => ({ entryId: r.id, tenant: r.tenant, scopeHash: r.scope_hash, scopeSize: Number(r.size), vector: Float32Array.from(JSON.parse(r.v) as number[]) }));
}
