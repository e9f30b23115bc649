import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { CacheRepository, type NewEntry } from '@deja/data-access-cache';
import { ErasureRepository } from '@deja/data-access-jobs';
import { migrate } from '@deja/data-access-postgres';
import { testEnv } from '../env';
import { newEntry } from '../support/cache-entries';

/**
 * Erasure against the real Postgres: what a tenant or user erasure deletes, that it deletes
 * nothing of anybody else, and that an answer still in flight is not stored afterwards.
 */
describe('erasure of a tenant or a user (real Postgres)', () => {
  let pool: Pool;
  let cache: CacheRepository;
  let erasure: ErasureRepository;
  const run = randomUUID().slice(0, 8);
  const tenant = `erase-${run}`;
  const other = `keep-${run}`;
  let seq = 0;

  beforeAll(async () => {
    await migrate({ databaseUrl: testEnv.databaseUrl });
    pool = new Pool({ connectionString: testEnv.databaseUrl, max: 4 });
    cache = new CacheRepository(pool);
    erasure = new ErasureRepository(pool);
  });

  afterAll(async () => {
    for (const t of [tenant, other]) {
      for (const table of [
        'cache_entries',
        'request_log',
        'jobs',
        'invalidation_events',
        'documents',
        'namespaces',
        'tenant_api_keys',
        'erasures',
      ]) {
        await pool.query(`DELETE FROM ${table} WHERE tenant = $1`, [t]);
      }
      await pool.query('DELETE FROM tenants WHERE id = $1', [t]);
    }
    await pool.end();
  });

  function entry(t: string, over: Partial<NewEntry> = {}): NewEntry {
    seq += 1;
    return newEntry(t, seq, { requestId: `req-${run}-${seq}`, ...over });
  }

  /** A job as the gateway stores it, with the user in its cache options; its request id is logged and an entry built from it. */
  async function jobWithEntry(
    t: string,
    user: string | undefined,
    personal = false,
  ): Promise<{ jobId: string; entryId: string }> {
    const jobId = `job-${run}-${++seq}`;
    const cacheOptions = {
      namespace: 'default',
      lookup: true,
      store: true,
      personal,
      context_docs: [],
      ...(user ? { user } : {}),
    };
    await pool.query(`INSERT INTO jobs (id, tenant, status, request) VALUES ($1, $2, 'completed', $3)`, [
      jobId,
      t,
      JSON.stringify({
        request: {
          provider: 'openai',
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `private question ${seq}` }],
        },
        cache: cacheOptions,
      }),
    ]);
    await cache.claimRequest(t, jobId, `deja.requests.v1:0:${seq}`);
    // Entries stored before this change carry no requested_by: the job names the user.
    const { id } = await cache.insert(
      entry(t, { requestId: jobId, userId: personal ? (user ?? null) : null, requestedBy: null }),
    );
    return { jobId, entryId: id };
  }

  async function rows(table: string, t: string): Promise<number> {
    const { rows: r } = await pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${table} WHERE ${table === 'tenants' ? 'id' : 'tenant'} = $1`,
      [t],
    );
    return Number(r[0].n);
  }

  it('erasing a user deletes their jobs, request ids, personal entries, entries built from their questions, purges naming them and their questions quoted as near candidates — nothing else', async () => {
    await pool.query('INSERT INTO tenants (id) VALUES ($1), ($2)', [tenant, other]);
    const alicePersonal = await jobWithEntry(tenant, 'alice', true);
    const aliceShared = await jobWithEntry(tenant, 'alice', false);
    const bob = await jobWithEntry(tenant, 'bob', true);
    const anonymous = await jobWithEntry(tenant, undefined);
    const otherAlice = await jobWithEntry(other, 'alice', true);
    // A batch request (no job row) whose shared answer records who asked.
    const batch = await cache.insert(entry(tenant, { requestedBy: 'alice' }));
    expect(batch.inserted).toBe(true);
    await pool.query(
      `INSERT INTO invalidation_events (tenant, event_id, cause, payload, entries_retired) VALUES ($1, $2, 'purge_user', $3, 0), ($1, $4, 'purge_user', $5, 0)`,
      [
        tenant,
        `ev-a-${run}`,
        JSON.stringify({ action: 'purge_user', user: 'alice' }),
        `ev-b-${run}`,
        JSON.stringify({ action: 'purge_user', user: 'bob' }),
      ],
    );

    // Bob's request found alice's shared entry and the anonymous one as near candidates.
    const near = (e: { entryId: string }) => ({
      entry_id: e.entryId,
      question: 'a stored question',
      similarity: 0.9,
      probability: null,
      rejected_by: null,
    });
    await pool.query(`UPDATE jobs SET result = $2 WHERE id = $1`, [
      bob.jobId,
      JSON.stringify({ cache: { outcome: 'miss', candidates: [near(aliceShared), near(anonymous)] } }),
    ]);

    const report = await erasure.eraseUser(tenant, 'alice');

    expect(report).toMatchObject({
      tenant,
      scope: 'user',
      deleted: { cache_entries: 3, jobs: 2, request_log: 2, invalidation_events: 1, tenants: 0, api_keys: 0 },
    });
    const { rows: left } = await pool.query<{ id: string }>(
      'SELECT id FROM cache_entries WHERE tenant = $1 ORDER BY id',
      [tenant],
    );
    expect(left.map((r) => r.id).sort()).toEqual([bob.entryId, anonymous.entryId].sort());
    const { rows: jobsLeft } = await pool.query<{ id: string }>('SELECT id FROM jobs WHERE tenant = $1', [tenant]);
    expect(jobsLeft.map((r) => r.id).sort()).toEqual([bob.jobId, anonymous.jobId].sort());
    expect(jobsLeft.map((r) => r.id)).not.toContain(alicePersonal.jobId);
    expect(jobsLeft.map((r) => r.id)).not.toContain(aliceShared.jobId);
    const { rows: bobs } = await pool.query<{ ids: string[] }>(
      `SELECT array(SELECT c ->> 'entry_id' FROM jsonb_array_elements(result -> 'cache' -> 'candidates') c) AS ids
         FROM jobs WHERE id = $1`,
      [bob.jobId],
    );
    expect(bobs[0].ids).toEqual([anonymous.entryId]);
    // The same user name in another tenant is another person.
    expect(await rows('cache_entries', other)).toBe(1);
    expect((await pool.query('SELECT 1 FROM jobs WHERE id = $1', [otherAlice.jobId])).rowCount).toBe(1);
    // The erasure record keeps no user id in clear.
    const { rows: record } = await pool.query<{ user_digest: string; completed_at: Date | null }>(
      'SELECT user_digest, completed_at FROM erasures WHERE id = $1',
      [report.erasure_id],
    );
    expect(record[0].user_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(record[0].completed_at).not.toBeNull();
  });

  it('an answer to a request submitted before the erasure is not stored after it; a later request of the same user is', async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    const late = await cache.insert(entry(tenant, { requestedBy: 'alice', userId: 'alice', submittedAt: before }));
    expect(late).toEqual({ id: '', inserted: false });
    // Another user's request from the same moment is not fenced by alice's erasure.
    expect((await cache.insert(entry(tenant, { requestedBy: 'bob', submittedAt: before }))).inserted).toBe(true);
    const after = await cache.insert(
      entry(tenant, { requestedBy: 'alice', userId: 'alice', submittedAt: new Date(Date.now() + 1000).toISOString() }),
    );
    expect(after.inserted).toBe(true);
  });

  it('erasing a tenant deletes all of its data and its account, fences its in-flight answers, and is idempotent', async () => {
    await pool.query(`INSERT INTO tenant_api_keys (key_hash, tenant, label) VALUES ($1, $2, 'test')`, [
      `digest-${run}`,
      tenant,
    ]);
    await pool.query(`INSERT INTO documents (tenant, doc_id, version) VALUES ($1, 'doc-1', 2)`, [tenant]);
    await pool.query(`INSERT INTO namespaces (tenant, namespace, version) VALUES ($1, 'default', 3)`, [tenant]);
    // A retired entry is erased too, not left for the sweep.
    const retired = await cache.insert(entry(tenant));
    await pool.query('UPDATE cache_entries SET retired_at = now() WHERE id = $1', [retired.id]);
    const entriesBefore = await rows('cache_entries', tenant);

    const report = await erasure.eraseTenant(tenant, { keepAccount: false });

    expect(report.deleted).toMatchObject({
      cache_entries: entriesBefore,
      jobs: 2,
      request_log: 2,
      invalidation_events: 1,
      documents: 1,
      namespaces: 1,
      api_keys: 1,
      tenants: 1,
    });
    for (const table of [
      'cache_entries',
      'jobs',
      'request_log',
      'invalidation_events',
      'documents',
      'namespaces',
      'tenant_api_keys',
      'tenants',
    ]) {
      expect([table, await rows(table, tenant)]).toEqual([table, 0]);
    }
    expect(await rows('cache_entries', other)).toBe(1);
    expect(await rows('tenants', other)).toBe(1);
    // Any user's answer still in flight for the erased tenant is dropped.
    expect(
      (await cache.insert(entry(tenant, { submittedAt: new Date(Date.now() - 1000).toISOString() }))).inserted,
    ).toBe(false);
    expect(await rows('cache_entries', tenant)).toBe(0);

    const again = await erasure.eraseTenant(tenant, { keepAccount: false });
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
  });

  it('keep_account erases the data but keeps the tenant and its keys', async () => {
    await pool.query(`INSERT INTO tenant_api_keys (key_hash, tenant, label) VALUES ($1, $2, 'test')`, [
      `digest-other-${run}`,
      other,
    ]);
    const report = await erasure.eraseTenant(other, { keepAccount: true });
    expect(report.deleted).toMatchObject({ cache_entries: 1, jobs: 1, tenants: 0, api_keys: 0 });
    expect(await rows('tenants', other)).toBe(1);
    expect(await rows('tenant_api_keys', other)).toBe(1);
  });
});
