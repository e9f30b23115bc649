import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { EntrySigner } from '@deja/data-access-cache';
import { seededRandom } from './pairs';
import { elapsedMs, Progress } from './report';

/** Every synthetic entry's answer (about 600 characters, a typical short answer). */
const ANSWER = { content: 'A cached answer of typical length. '.repeat(17), finish_reason: 'stop', simulated: true };

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

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
export const SHAPE = {
  biasWeight: 0.73,
  entrySd: 0.0366,
  querySd: 0.0185,
  entriesPerCluster: 100,
  entriesPerScope: 100,
  entriesPerTenant: 1000,
} as const;

/** Loads `n` synthetic entries into the (empty) cache_entries of the pool's schema and builds the HNSW index. */
export async function loadSyntheticEntries(
  pool: Pool,
  schema: string,
  n: number,
  dim: number,
  model: string,
  hnsw: HnswSettings,
  seed: number,
): Promise<LoadStats> {
  const clusters = Math.max(20, Math.round(n / SHAPE.entriesPerCluster));
  const scopes = Math.max(10, Math.round(n / SHAPE.entriesPerScope));
  const tenants = Math.max(10, Math.round(n / SHAPE.entriesPerTenant));
  const client = await pool.connect();
  try {
    // Vectors are drawn by Postgres (seeded too), so 100k × 384 floats never cross the wire.
    await client.query(`SELECT setseed($1)`, [((seed % 1000) + 0.5) / 1000]);
    await client.query(`
      CREATE OR REPLACE FUNCTION ${schema}.gauss_vec(dim int, sd float8) RETURNS vector LANGUAGE sql VOLATILE AS $$
        SELECT array_agg(sd * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::vector FROM generate_series(1, dim)
      $$`);
    // The HNSW index is dropped and rebuilt after loading, so its build time is measured on its own.
    const { rows: idx } = await client.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'cache_entries' AND indexdef ILIKE '%USING hnsw%'`,
      [schema],
    );
    for (const i of idx) await client.query(`DROP INDEX ${schema}.${i.indexname}`);
    await client.query(`DROP TABLE IF EXISTS ${schema}.topics`);
    await client.query(`CREATE TABLE ${schema}.topics AS
      WITH bias AS (SELECT ${schema}.gauss_vec(${dim}, ${SHAPE.biasWeight} / sqrt(${dim})) AS b)
      SELECT k, b + ${schema}.gauss_vec(${dim}, 1 / sqrt(${dim})) AS v FROM bias, generate_series(0, ${clusters - 1}) k`);
    await client.query(`CREATE UNIQUE INDEX ON ${schema}.topics (k)`);

    const started = process.hrtime.bigint();
    const chunk = 5000;
    const progress = new Progress(`loading ${n} entries`, n, 'entries');
    // Scope and topic are drawn here (seeded) so each row can be signed as Deja signs what it
    // stores: the repository never serves an entry whose signature does not verify.
    const random = seededRandom(seed);
    const signer = EntrySigner.development();
    for (let from = 1; from <= n; from += chunk) {
      const rows = {
        tenant: [] as string[],
        scope: [] as string[],
        query: [] as string[],
        text: [] as string[],
        topic: [] as number[],
        request: [] as string[],
        signature: [] as string[],
      };
      for (let g = from; g <= Math.min(n, from + chunk - 1); g++) {
        const topic = Math.floor(random() * clusters);
        // Log-uniform rank: P(rank r) ∝ 1/r, a Zipf-like spread of scope sizes.
        const rank = Math.max(1, Math.min(scopes, Math.floor(Math.exp(random() * Math.log(scopes + 1)))));
        const row = {
          tenant: `t${rank % tenants}`,
          scope: md5(`scope-${rank}`),
          query: md5(`q-${g}`),
          text: `Synthetic question number ${g} about topic ${topic}?`,
        };
        rows.tenant.push(row.tenant);
        rows.scope.push(row.scope);
        rows.query.push(row.query);
        rows.text.push(row.text);
        rows.topic.push(topic);
        rows.request.push(`req-${g}`);
        rows.signature.push(
          signer.sign({
            tenant: row.tenant,
            namespace: 'default',
            scopeHash: row.scope,
            queryHash: row.query,
            queryText: row.text,
            answer: ANSWER,
            namespaceVersion: 1,
            docVersions: {},
            userId: null,
          }),
        );
      }
      await client.query(
        `INSERT INTO cache_entries (tenant, namespace, scope_hash, query_hash, normalized_query, query_text, embedding, embedding_model, embedding_dim,
           request_id, provider, model, answer, usage, cost, namespace_version, ttl_seconds, expires_at, signature)
         SELECT r.tenant, 'default', r.scope, r.query, lower(r.text), r.text,
           l2_normalize(t.v + ${schema}.gauss_vec(${dim}, ${SHAPE.entrySd})), $8, ${dim},
           r.request, 'openai', 'gpt-4o-mini', $9::jsonb,
           '{"input_tokens":800,"cache_write_tokens":0,"cache_read_tokens":0,"output_tokens":150}'::jsonb,
           '{"usd":0.002,"uncached_usd":0.002,"saved_usd":0}'::jsonb, 1, 604800, now() + interval '7 days', r.signature
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[]) AS r(tenant, scope, query, text, topic, request, signature)
         JOIN ${schema}.topics t ON t.k = r.topic`,
        [
          rows.tenant,
          rows.scope,
          rows.query,
          rows.text,
          rows.topic,
          rows.request,
          rows.signature,
          model,
          JSON.stringify(ANSWER),
        ],
      );
      progress.tick(Math.min(n, from + chunk - 1));
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
      `SELECT pg_total_relation_size('cache_entries') AS total, pg_relation_size('cache_entries_hnsw_${dim}') AS idx`,
    );
    const total = Number(size[0].total);
    return {
      entries: n,
      tenants,
      scopes,
      clusters,
      load_s: Number(loadS.toFixed(1)),
      build_s: Number(buildS.toFixed(1)),
      table_bytes: total,
      index_bytes: Number(size[0].idx),
      bytes_per_entry: Math.round(total / n),
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
export async function makeQueries(
  pool: Pool,
  schema: string,
  dim: number,
  count: number,
  minShare: number,
  maxShare: number,
): Promise<Query[]> {
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
  return rows.map((r) => ({
    entryId: r.id,
    tenant: r.tenant,
    scopeHash: r.scope_hash,
    scopeSize: Number(r.size),
    vector: Float32Array.from(JSON.parse(r.v) as number[]),
  }));
}
