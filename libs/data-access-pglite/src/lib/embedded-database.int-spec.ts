import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pgvector from 'pgvector';
import { openEmbeddedDatabase } from './embedded-database';
import { PgliteErrorCode } from './pglite.exception';

/** PGlite in a temporary folder, through the same `pg` Pool API the repositories use. */
describe('embedded database (PGlite + pgvector)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deja-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies the migrations, answers vector queries, keeps data across a restart and refuses a second owner', async () => {
    const first = await openEmbeddedDatabase({ dataDir: dir, runMigrations: true });
    try {
      expect(first.applied).toContain('1764200100000_cache-schema');
      await expect(openEmbeddedDatabase({ dataDir: dir, runMigrations: false })).rejects.toMatchObject({
        code: PgliteErrorCode.DataDirInUse,
      });
      await first.pool.query(`INSERT INTO documents (tenant, doc_id, version) VALUES ('t', 'd', 7)`);
      const near = await first.pool.query<{ d: number }>(`SELECT $1::vector <=> $2::vector AS d`, [
        pgvector.toSql([1, 0, 0]),
        pgvector.toSql([1, 0, 0]),
      ]);
      expect(near.rows[0]?.d).toBeCloseTo(0, 6);
      // A transaction holds the one connection; a query from elsewhere waits for it.
      const client = await first.pool.connect();
      await client.query('BEGIN');
      await client.query(`UPDATE documents SET version = 8 WHERE doc_id = 'd'`);
      const outside = first.pool.query<{ version: number }>(`SELECT version FROM documents WHERE doc_id = 'd'`);
      await client.query('COMMIT');
      client.release();
      expect((await outside).rows[0]?.version).toBe(8);
    } finally {
      await first.close();
    }
    const second = await openEmbeddedDatabase({ dataDir: dir, runMigrations: true });
    try {
      expect(second.applied).toEqual([]);
      const r = await second.pool.query<{ version: number }>(
        `SELECT version FROM documents WHERE tenant = 't' AND doc_id = 'd'`,
      );
      expect(r.rows).toEqual([{ version: 8 }]);
      const woken: string[] = [];
      await second.listen('deja_jobs', (p) => woken.push(p));
      await second.pool.query(`SELECT pg_notify('deja_jobs', 'job-1')`);
      await new Promise((res) => setTimeout(res, 50));
      expect(woken).toEqual(['job-1']);
    } finally {
      await second.close();
    }
  });
});
