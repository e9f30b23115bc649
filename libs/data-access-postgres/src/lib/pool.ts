import { Pool, types } from 'pg';

// BIGINT (int8) as JS number: counters and versions stay far below 2^53.
types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface PoolOptions {
  databaseUrl: string;
  max: number;
  applicationName: string;
  /** Where an idle connection's failure is reported (default: stderr). */
  onIdleError?: (error: Error) => void;
}

/**
 * A pg pool with timeouts that fail fast instead of hanging a request when Postgres is away.
 *
 * An idle connection that Postgres drops (a restart: `57P01 terminating connection due to
 * administrator command`) makes the pool emit 'error'; unhandled, that event ends the process.
 * The pool already discards the broken client and opens a new one on the next query, so the
 * error is only reported.
 */
export function createPool(options: PoolOptions): Pool {
  const pool = new Pool({
    connectionString: options.databaseUrl,
    max: options.max,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    statement_timeout: 30000,
  });
  const report =
    options.onIdleError ?? ((e: Error) => process.stderr.write(`postgres: idle connection lost: ${e.message}\n`));
  pool.on('error', report);
  return pool;
}
