import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { CacheRepository } from '@deja/data-access-cache';
import { testEnv } from '../env';

/**
 * `CacheRepository.startLookup`: the claim of a request id and the versions its keys are built
 * from, in one statement, on the real Postgres. The versions are read, never cached: a bump
 * committed before a lookup is what that lookup sees.
 */
describe('the lookup start (claim + versions in one statement)', () => {
  const pool = new Pool({ connectionString: testEnv.databaseUrl, max: 2 });
  const repo = new CacheRepository(pool);
  const tenant = `start-${randomUUID().slice(0, 8)}`;

  afterAll(async () => {
    await pool.query('DELETE FROM request_log WHERE tenant = $1', [tenant]);
    await pool.query('DELETE FROM namespaces WHERE tenant = $1', [tenant]);
    await pool.query('DELETE FROM documents WHERE tenant = $1', [tenant]);
    await pool.end();
  });

  it('claims a request id once: first for its message (and a redelivery of it), not for another message', async () => {
    const id = randomUUID();
    expect((await repo.startLookup(tenant, id, 'requests:0:1', 'ns', [])).first).toBe(true);
    expect((await repo.startLookup(tenant, id, 'requests:0:1', 'ns', [])).first).toBe(true);
    expect((await repo.startLookup(tenant, id, 'requests:1:7', 'ns', [])).first).toBe(false);
  });

  it('reads an unconfigured namespace as version 1 with no overrides, and unknown documents as absent', async () => {
    const start = await repo.startLookup(tenant, randomUUID(), 'requests:0:2', 'never-set', ['no-such-doc']);
    const { version, ...overrides } = start.namespace;
    expect(version).toBe(1);
    expect(Object.keys(overrides).sort()).toEqual([
      'maxThreshold',
      'minThreshold',
      'slidingTtl',
      'targetFalseHitRate',
      'threshold',
      'ttlSeconds',
    ]);
    expect(Object.values(overrides).every((v) => v === null)).toBe(true);
    expect(start.docVersions).toEqual({});
  });

  it('honours a namespace or document version bump on the very next lookup', async () => {
    const ns = `bumped-${randomUUID().slice(0, 8)}`;
    const before = await repo.startLookup(tenant, randomUUID(), 'requests:0:3', ns, ['handbook', 'faq']);
    expect([before.namespace.version, before.docVersions]).toEqual([1, {}]);

    await pool.query(`INSERT INTO namespaces (tenant, namespace, version, threshold) VALUES ($1, $2, 2, 0.9)`, [
      tenant,
      ns,
    ]);
    await pool.query(`INSERT INTO documents (tenant, doc_id, version) VALUES ($1, 'handbook', 4)`, [tenant]);
    const after = await repo.startLookup(tenant, randomUUID(), 'requests:0:4', ns, ['handbook', 'faq']);
    expect(after.namespace).toMatchObject({ version: 2, threshold: expect.closeTo(0.9, 5) });
    expect(after.docVersions).toEqual({ handbook: 4 });
    // The same as the separate reads it replaces.
    expect(after.namespace).toEqual(await repo.namespace(tenant, ns));
    expect(after.docVersions).toEqual(await repo.documentVersions(tenant, ['handbook', 'faq']));
  });
});
