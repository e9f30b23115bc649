import { Client, Pool } from 'pg';
import { migrate } from '@deja/data-access-postgres';

/** Where the benchmark writes unless told otherwise (create it once, see docs/benchmarks.md). */
export const DEFAULT_BENCH_DATABASE_URL = 'postgres://deja:deja@127.0.0.1:5432/deja_bench';

/** The tables the cache code reads and writes, recreated in the benchmark's own schema. */
const CACHE_TABLES = ['namespaces', 'documents', 'cache_entries', 'request_log'] as const;

export interface BenchSchema {
  /**
   * A pool whose search_path puts the benchmark's schema first: unmodified repository SQL lands
   * there. Idle connections are kept, so a pool of one keeps its session settings (SET …).
   */
  pool: Pool;
  schema: string;
  /** Drops the schema and closes the pool. */
  drop(): Promise<void>;
  /** Closes the pool and leaves the tables for inspection. */
  close(): Promise<void>;
}

/**
 * Opens a fresh, isolated copy of the cache tables in schema `schema` of `databaseUrl`: migrates
 * the database, then recreates `cache_entries` and its neighbours with `LIKE … INCLUDING ALL`
 * (same columns, constraints and indexes — the HNSW index too). Runs never touch the real
 * tables, and two benchmark runs, or a benchmark and the test suite, never see each other.
 */
export async function openBenchSchema(databaseUrl: string, schema: string, poolSize = 4): Promise<BenchSchema> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`bad schema name ${schema}`);
  const admin = new Client({ connectionString: databaseUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `cannot connect to ${redact(databaseUrl)}: ${(error as Error).message}\n` +
        `start Postgres with deploy/local/up; create the benchmark database once with:\n` +
        `  psql postgres://deja:deja@127.0.0.1:5432/deja -c 'CREATE DATABASE deja_bench'\n` +
        `  sudo -u postgres psql -d deja_bench -c 'CREATE EXTENSION vector'`,
    );
  }
  try {
    const ext = await admin.query(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`);
    if (ext.rows.length === 0) {
      throw new Error(`${redact(databaseUrl)} has no pgvector extension; as a superuser run: CREATE EXTENSION vector`);
    }
    await migrate({ databaseUrl });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
    for (const t of CACHE_TABLES) await admin.query(`CREATE TABLE ${schema}.${t} (LIKE public.${t} INCLUDING ALL)`);
  } finally {
    await admin.end();
  }
  const pool = new Pool({
    connectionString: databaseUrl,
    max: poolSize,
    options: `-c search_path=${schema},public`,
    idleTimeoutMillis: 0,
  });
  return {
    pool,
    schema,
    close: () => pool.end(),
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    },
  };
}

/** Server and extension versions, for the record. */
export async function serverVersions(pool: Pool): Promise<{ postgres: string; pgvector: string }> {
  const { rows } = await pool.query<{ pg: string; vec: string }>(
    `SELECT current_setting('server_version') AS pg, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vec`,
  );
  return { postgres: rows[0].pg, pgvector: rows[0].vec };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
