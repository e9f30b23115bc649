/**
 * The console's read queries at scale: seeds a database of its own with `ENTRIES` cache entries
 * and `JOBS` request records (once; later runs reuse them), then times each read the console's
 * API makes, `RUNS` times, and prints p50 / p95 / p99 per read.
 *
 *   npm run build && node dist/libs/feature-console/src/cli/bench-reads.js
 *
 * Env: BENCH_DATABASE_URL (default postgres://deja:deja@127.0.0.1:5432/deja_console_bench, created
 * if missing), ENTRIES (100000), JOBS (1000000), RUNS (200), MAX_SECONDS (20: a slow read stops after this, with at least 20 runs). It times the repository (the SQL and
 * the row mapping), not HTTP: the API adds its guard and JSON on top. The pgvector extension
 * needs a superuser once: `bash -c 'source deploy/local/lib.sh && psql_super deja_console_bench
 * -c "CREATE EXTENSION IF NOT EXISTS vector"'`.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createPool, migrate } from '@deja/data-access-postgres';
import { ConsoleRepository } from '../lib/console.repository';
import { OVERVIEW_WINDOWS } from '../lib/overview';
import { OverviewRepository } from '../lib/overview.repository';
import { decisionView, entryView } from '../lib/views';

const url = process.env['BENCH_DATABASE_URL'] ?? 'postgres://deja:deja@127.0.0.1:5432/deja_console_bench';
const ENTRIES = Number(process.env['ENTRIES'] ?? 100_000);
const JOBS = Number(process.env['JOBS'] ?? 1_000_000);
const RUNS = Number(process.env['RUNS'] ?? 200);
const MAX_SECONDS = Number(process.env['MAX_SECONDS'] ?? 20);
const TENANTS = 10;
const NAMESPACES = 5;

async function ensureDatabase(): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = '/postgres';
  const admin = new Client({ connectionString: target.toString() });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  await admin.end();
}

/**
 * Request records over the last 7 days: 10 tenants, 5 namespaces, half misses, 40 % semantic and
 * 10 % exact hits, each drawn from a different part of the row number so no filter combination
 * is empty by construction.
 */
const SEED_JOBS = `
INSERT INTO jobs (id, tenant, status, request, result, created_at, updated_at, completed_at)
SELECT 'job-' || i, 't' || (i % ${TENANTS}), 'completed',
  jsonb_build_object('request', jsonb_build_object('provider', 'openai', 'model', 'gpt-4o-mini',
      'messages', jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'question ' || i || ' about topic ' || (i % 997)))),
    'cache', jsonb_build_object('namespace', 'ns' || ((i / ${TENANTS}) % ${NAMESPACES}), 'lookup', true, 'store', true, 'personal', false, 'context_docs', '[]'::jsonb)),
  jsonb_build_object(
    'cache', jsonb_build_object('outcome', CASE WHEN o < 5 THEN 'miss' ELSE 'hit' END,
      'tier', CASE WHEN o < 5 THEN NULL WHEN o = 9 THEN 'exact' ELSE 'semantic' END,
      'similarity', 0.9 + (i % 100) / 1000.0, 'threshold', NULL, 'entry_id', NULL, 'rejected_by', NULL,
      'probability', 0.97, 'target_false_hit_rate', 0.02),
    'usage', jsonb_build_object('input_tokens', 20, 'output_tokens', 40, 'cache_read_tokens', 0, 'cache_write_tokens', 0),
    'saved_usage', jsonb_build_object('input_tokens', 20, 'output_tokens', 40, 'cache_read_tokens', 0, 'cache_write_tokens', 0),
    'cost', jsonb_build_object('usd', 0.0001, 'uncached_usd', 0.0001, 'saved_usd', CASE WHEN o < 5 THEN 0 ELSE 0.0001 END)),
  t, t, t + CASE WHEN o < 5 THEN interval '400 ms' ELSE interval '40 ms' END
FROM (SELECT i, (i / 50) % 10 AS o, now() - (i::float8 / $1) * interval '7 days' AS t
      FROM generate_series($2::int, $3::int) AS i) s`;

const SEED_ENTRIES = `
INSERT INTO cache_entries (tenant, namespace, scope_hash, query_hash, normalized_query, query_text, request_id, provider,
  model, answer, usage, cost, namespace_version, ttl_seconds, expires_at, created_at, hit_count)
SELECT 't' || (i % ${TENANTS}), 'ns' || ((i / ${TENANTS}) % ${NAMESPACES}), 'scope' || (i % 50), 'q' || i,
  'question ' || i || ' about topic ' || (i % 997), 'Question ' || i || ' about topic ' || (i % 997), 'req-' || i, 'openai',
  'gpt-4o-mini', '{"content": "an answer"}'::jsonb, '{}'::jsonb, '{}'::jsonb, 1, 604800,
  now() + interval '7 days' - (i::float8 / $1) * interval '7 days', now() - (i::float8 / $1) * interval '7 days', i % 7
FROM generate_series($2::int, $3::int) AS i`;

const SEED_AUDIT = `
INSERT INTO invalidation_events (tenant, event_id, cause, payload, entries_retired, applied_at)
SELECT 't' || (i % ${TENANTS}), 'ev-' || i, 'purge_entry',
  jsonb_build_object('action', 'purge_entry', 'entry_id', 'e' || i, 'at', now() - i * interval '1 minute'), 1,
  now() - i * interval '1 minute' + interval '20 ms'
FROM generate_series(1, 10000) AS i`;

/** Seeds what is missing, in slices, on a connection of its own (the pool's statement timeout is for reads). */
async function seed(): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    const fill = async (table: string, sql: string, total: number) => {
      if ((await count(table)) === total) return;
      console.log(`seeding ${total} rows of ${table}…`);
      await db.query(`TRUNCATE ${table}`);
      for (let from = 1; from <= total; from += 100_000)
        await db.query({ text: sql, values: [total, from, Math.min(total, from + 99_999)] });
    };
    await fill('jobs', SEED_JOBS, JOBS);
    await fill('cache_entries', SEED_ENTRIES, ENTRIES);
    if ((await count('invalidation_events')) < 10_000) await db.query(SEED_AUDIT);
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
}

/** Each read `RUNS` times, or for `MAX_SECONDS` when it is slow (at least 20 runs), after 3 to warm up. */
async function time(name: string, read: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 3; i++) await read(i);
  const samples: number[] = [];
  const until = performance.now() + MAX_SECONDS * 1000;
  for (let i = 0; i < RUNS && (i < 20 || performance.now() < until); i++) {
    const start = performance.now();
    await read(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN).toFixed(1);
  console.log(
    `${name.padEnd(46)} n=${String(samples.length).padEnd(4)} p50 ${at(0.5).padStart(7)} ms  p95 ${at(0.95).padStart(7)} ms  p99 ${at(0.99).padStart(7)} ms`,
  );
}

async function main(): Promise<void> {
  await ensureDatabase();
  await migrate({ databaseUrl: url });
  await seed();
  const pool = createPool({ databaseUrl: url, max: 2, applicationName: 'deja-console-bench' });
  try {
    const repo = new ConsoleRepository(pool);
    const overviews = new OverviewRepository(pool);
    const rollupStart = performance.now();
    let hours = 0;
    for (let step; (step = await overviews.rollUp(24)) > 0;) hours += step;
    console.log(`roll-up: ${hours} hour(s) rolled up in ${(performance.now() - rollupStart).toFixed(0)} ms`);
    const tenant = (i: number) => `t${i % TENANTS}`;
    console.log(`${ENTRIES} entries, ${JOBS} request records, ${TENANTS} tenants, ${RUNS} runs per read`);
    await time('decisions (tenant, newest 50)', async (i) =>
      (await repo.decisions({ tenant: tenant(i), limit: 50 })).map((r) => decisionView(r, false)),
    );
    await time('decisions (tenant, namespace + outcome=hit)', (i) =>
      repo.decisions({ tenant: tenant(i), namespace: `ns${i % NAMESPACES}`, outcome: 'hit', limit: 50 }),
    );
    await time('decisions (admin, all tenants, newest 50)', () => repo.decisions({ limit: 50 }));
    await time('decision (why view, by id)', (i) => repo.decision(tenant(i), `job-${1 + i * 4999}`));
    await time('entries search (tenant, text)', async (i) =>
      (await repo.entries({ tenant: tenant(i), text: `topic ${i % 997}`, limit: 50 })).map((e) => entryView(e)),
    );
    // No entry matches: the whole tenant is searched, from the trigram index (3+ characters) or,
    // for a shorter text that has no trigram, by reading every live entry (why the API refuses it).
    await time('entries search (tenant, text matching none)', (i) =>
      repo.entries({ tenant: tenant(i), text: `zebra ${i}`, limit: 50 }),
    );
    await time('entries search (2 characters: the API refuses)', (i) =>
      repo.entries({ tenant: tenant(i), text: 'zq', limit: 50 }),
    );
    await time('entries (tenant + namespace, newest 50)', (i) =>
      repo.entries({ tenant: tenant(i), namespace: `ns${i % NAMESPACES}`, limit: 50 }),
    );
    await time('namespaces (tenant)', (i) => repo.namespaces(tenant(i)));
    for (const w of ['hour', 'day', 'week'] as const)
      await time(`overview ${w} (tenant)`, (i) => overviews.overview(tenant(i), undefined, OVERVIEW_WINDOWS[w]));
    await time('overview day (admin, all tenants)', () =>
      overviews.overview(undefined, undefined, OVERVIEW_WINDOWS.day),
    );
    await time('invalidations (tenant, newest 100)', (i) => repo.invalidations(tenant(i), 100));
  } finally {
    await pool.end();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
