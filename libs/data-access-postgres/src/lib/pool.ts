import { Pool, types } from 'pg';

// BIGINT (int8) as JS number: counters and versions stay far below 2^53.
types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface PoolOptions {
  databaseUrl: string;
  max: number;
  applicationName: string;
}

/** A pg pool with timeouts that fail fast instead of hanging a request when Postgres is away. */
export function createPool(options: PoolOptions): Pool {
  return new Pool({
    connectionString: options.databaseUrl,
    max: options.max,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    statement_timeout: 30000,
  });
}
