import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPool } from '@deja/data-access-postgres';
import { testEnv } from '../env';

/**
 * Regression (found by `npm run chaos -- --infra`): when Postgres restarts it terminates idle
 * connections (57P01); the pool emits 'error', and with no listener Node ends the process — the
 * gateway, the embedding-service and the invalidation-service all died on a Postgres restart.
 */
describe('Postgres pool survives its idle connections being terminated (real Postgres)', () => {
  it('reports the lost connection and answers the next query on a new one', async () => {
    const applicationName = `deja-pool-test-${randomUUID().slice(0, 8)}`;
    const lost: Error[] = [];
    const pool = createPool({
      databaseUrl: testEnv.databaseUrl,
      max: 2,
      applicationName,
      onIdleError: (e) => lost.push(e),
    });
    try {
      await Promise.all([pool.query('SELECT 1'), pool.query('SELECT 2')]);
      expect(pool.idleCount).toBe(2);
      const admin = new Client({ connectionString: testEnv.databaseUrl });
      await admin.connect();
      const { rowCount } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      await admin.end();
      expect(rowCount).toBe(2);
      const deadline = Date.now() + 10000;
      while (lost.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(lost.map((e) => (e as Error & { code?: string }).code)).toEqual(['57P01', '57P01']);
      const { rows } = await pool.query<{ ok: number }>('SELECT 1 AS ok');
      expect(rows[0].ok).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
