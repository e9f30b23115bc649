import { Client } from 'pg';
import { migrate } from '@deja/data-access-postgres';
import { testEnv } from '../env';

/** The advisory lock node-pg-migrate takes around a run (its PG_MIGRATE_LOCK_ID). */
const NODE_PG_MIGRATE_LOCK = '7241865325823964';

/**
 * Regression (CI, 2026-12-03): two services started together and one exited at start with
 * "Another migration is already running" — node-pg-migrate only tries its lock. A replica that
 * finds the lock taken must wait for the other run and then start.
 */
describe('migrations while another process holds the migration lock (real Postgres)', () => {
  it('waits for the lock instead of failing, then applies nothing twice', async () => {
    const holder = new Client({ connectionString: testEnv.databaseUrl });
    await holder.connect();
    try {
      await migrate({ databaseUrl: testEnv.databaseUrl });
      await holder.query(`SELECT pg_advisory_lock(${NODE_PG_MIGRATE_LOCK})`);
      const logs: string[] = [];
      let settled = false;
      const run = migrate({ databaseUrl: testEnv.databaseUrl }, (m) => logs.push(m)).finally(() => (settled = true));
      // While the lock is held the run neither fails nor finishes.
      while (!settled && !logs.some((m) => m.includes('waiting'))) await new Promise((r) => setTimeout(r, 50));
      expect(settled).toBe(false);
      await holder.query(`SELECT pg_advisory_unlock(${NODE_PG_MIGRATE_LOCK})`);
      await expect(run).resolves.toEqual([]);
    } finally {
      await holder.end();
    }
  });

  it('lets several processes start at the same moment', async () => {
    const runs = await Promise.all(Array.from({ length: 8 }, () => migrate({ databaseUrl: testEnv.databaseUrl })));
    expect(runs.flat()).toEqual([]);
  });

  it('still fails at once on any other error', async () => {
    await expect(migrate({ databaseUrl: 'postgres://deja:wrong@127.0.0.1:5432/deja_test' })).rejects.toThrow(
      /password|authentication/i,
    );
  });
});
