import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import type { DocChangeV1, InvalidatedV1 } from '@deja/contracts';
import { InvalidationRepository } from '@deja/data-access-invalidation';
import { migrate } from '@deja/data-access-postgres';
import { InvalidationErrorCode, InvalidationException } from './invalidation.exception';
import { InvalidationMetrics } from './invalidation.metrics';
import { Invalidator } from './invalidator';
import { Sweeper } from './sweeper';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://deja:deja@127.0.0.1:5432/deja_test';

/**
 * The invalidation use cases against the real Postgres, in process (no Kafka: audit records are
 * collected): concurrency on one document, replays racing each other, an audit that fails after
 * commit, and the bounds of the background deletion.
 */
describe('Invalidator and Sweeper against Postgres', () => {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 12 });
  const repo = new InvalidationRepository(pool);
  const run = randomUUID().slice(0, 8);
  let audits: InvalidatedV1[] = [];
  let failNextAudit = false;
  const invalidator = new Invalidator(
    repo,
    async (r) => {
      if (failNextAudit) {
        failNextAudit = false;
        throw new Error('broker unavailable');
      }
      audits.push(r);
    },
    new InvalidationMetrics(new Registry()),
  );

  beforeAll(async () => {
    await migrate({ databaseUrl: DATABASE_URL });
  });

  beforeEach(() => {
    audits = [];
  });

  afterAll(async () => {
    await pool.end();
  });

  const change = (tenant: string, doc: string, extra: Partial<DocChangeV1> = {}): DocChangeV1 => ({
    event_id: randomUUID(),
    tenant,
    doc_id: doc,
    change: 'updated',
    at: new Date().toISOString(),
    ...extra,
  });

  async function insertEntry(
    tenant: string,
    opts: { docVersions?: Record<string, number>; docIds?: string[]; retiredAgoSeconds?: number } = {},
  ): Promise<string> {
    const docVersions = opts.docVersions ?? {};
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO cache_entries (tenant, namespace, scope_hash, query_hash, normalized_query, query_text, request_id, provider, model,
         answer, usage, cost, namespace_version, doc_versions, doc_ids, ttl_seconds, expires_at, retired_at)
       VALUES ($1, 'support', 's', 'q', 'q', 'q', $2, 'openai', 'gpt-4o-mini', '{}', '{}', '{}', 1, $3, $4, 3600, now() + interval '1 hour',
         CASE WHEN $5::int IS NULL THEN NULL ELSE now() - make_interval(secs => $5::int) END)
       RETURNING id`,
      [
        tenant,
        randomUUID(),
        JSON.stringify(docVersions),
        opts.docIds ?? Object.keys(docVersions),
        opts.retiredAgoSeconds ?? null,
      ],
    );
    return rows[0]!.id;
  }

  const isRetired = async (id: string) =>
    (await pool.query(`SELECT retired_at IS NOT NULL AS r FROM cache_entries WHERE id = $1`, [id])).rows[0]
      ?.r as boolean;
  const docState = async (tenant: string, doc: string) =>
    (await pool.query(`SELECT version::int, deleted FROM documents WHERE tenant = $1 AND doc_id = $2`, [tenant, doc]))
      .rows[0] as { version: number; deleted: boolean };

  it('applies 20 concurrent versionless changes of one document one after the other', async () => {
    const tenant = `conc-${run}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => invalidator.applyDocChange(change(tenant, 'D'))),
    );
    expect(results.map((r) => r.new_version).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(await docState(tenant, 'D')).toEqual({ version: 20, deleted: false });
  });

  it('applies one of 10 simultaneous deliveries of the same event id', async () => {
    const tenant = `dup-${run}`;
    const event = change(tenant, 'D');
    const results = await Promise.all(Array.from({ length: 10 }, () => invalidator.applyDocChange(event)));
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(await docState(tenant, 'D')).toEqual({ version: 1, deleted: false });
  });

  it('retires only entries recorded below the new version, counting an unrecorded version as 0', async () => {
    const tenant = `prec-${run}`;
    const v1 = await insertEntry(tenant, { docVersions: { D: 1 } });
    const v2 = await insertEntry(tenant, { docVersions: { D: 2 } });
    const unrecorded = await insertEntry(tenant, { docIds: ['D'] });
    const otherDoc = await insertEntry(tenant, { docVersions: { E: 0 } });
    const r = await invalidator.applyDocChange(change(tenant, 'D', { version: 2 }));
    expect(r).toMatchObject({ applied: true, entries_retired: 2, new_version: 2 });
    expect([await isRetired(v1), await isRetired(v2), await isRetired(unrecorded), await isRetired(otherDoc)]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('publishes the original effect on redelivery when the audit failed after commit', async () => {
    const tenant = `audit-${run}`;
    await insertEntry(tenant, { docVersions: { D: 0 } });
    const event = change(tenant, 'D');
    failNextAudit = true;
    const failure = await invalidator.applyDocChange(event).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InvalidationException);
    expect(failure).toMatchObject({ code: InvalidationErrorCode.PublishFailed, retriable: true });
    expect((await repo.findEvent(tenant, event.event_id))?.publishedAt).toBeNull();
    expect(await docState(tenant, 'D')).toEqual({ version: 1, deleted: false });

    expect(await invalidator.applyDocChange(event)).toMatchObject({
      applied: true,
      entries_retired: 1,
      new_version: 1,
    });
    expect((await repo.findEvent(tenant, event.event_id))?.publishedAt).toEqual(expect.any(Date));
    expect(await invalidator.applyDocChange(event)).toMatchObject({
      applied: false,
      entries_retired: 0,
      new_version: 1,
    });
    expect(await docState(tenant, 'D')).toEqual({ version: 1, deleted: false });
  });

  it('rolls the whole event back when a statement fails: no version, no record', async () => {
    const tenant = `rollback-${run}`;
    const event = change(tenant, 'D');
    const broken = new Invalidator(
      new (class extends InvalidationRepository {
        override async transaction<T>(fn: Parameters<InvalidationRepository['transaction']>[0]): Promise<T> {
          return super.transaction(async (tx) => {
            await fn(tx);
            throw new Error('injected failure before commit');
          }) as Promise<T>;
        }
      })(pool),
      async () => undefined,
      new InvalidationMetrics(new Registry()),
    );
    await expect(broken.applyDocChange(event)).rejects.toThrow('injected failure');
    expect(await repo.findEvent(tenant, event.event_id)).toBeNull();
    expect(await docState(tenant, 'D')).toBeUndefined();
  });

  it('deletes in bounded batches, after the grace period only', async () => {
    const tenant = `sweep-${run}`;
    const old = await Promise.all(Array.from({ length: 5 }, () => insertEntry(tenant, { retiredAgoSeconds: 120 })));
    const recent = await insertEntry(tenant, { retiredAgoSeconds: 1 });
    const sweeper = new Sweeper(repo, new InvalidationMetrics(new Registry()), {
      intervalMs: 0,
      batchSize: 2,
      maxBatchesPerSweep: 2,
      retiredGraceSeconds: 60,
      expiredGraceSeconds: 60,
      eventRetentionDays: 30,
      staleWindowSeconds: 0,
    });
    const first = await sweeper.sweepOnce();
    expect(first.retired).toBeLessThanOrEqual(4);
    for (let i = 0; i < 50; i++) {
      const { rowCount } = await pool.query(`SELECT 1 FROM cache_entries WHERE id = ANY ($1::uuid[])`, [old]);
      if (rowCount === 0) break;
      expect((await sweeper.sweepOnce()).retired).toBeLessThanOrEqual(4);
    }
    expect((await pool.query(`SELECT 1 FROM cache_entries WHERE id = ANY ($1::uuid[])`, [old])).rowCount).toBe(0);
    expect((await pool.query(`SELECT 1 FROM cache_entries WHERE id = $1`, [recent])).rowCount).toBe(1);
  });

  it('retires recent entries stored after the change that made them stale, and only those', async () => {
    const tenant = `stale-${run}`;
    await invalidator.applyDocChange(change(tenant, 'D', { version: 2 }));
    await invalidator.applyCommand({
      event_id: randomUUID(),
      tenant,
      action: 'bump_namespace',
      namespace: 'support',
      at: new Date().toISOString(),
    });
    // Stored after both changes by completions that looked the versions up before them.
    const oldDoc = await insertEntry(tenant, { docVersions: { D: 1 } });
    const current = await insertEntry(tenant, { docVersions: { D: 2 } });
    await pool.query(`UPDATE cache_entries SET namespace_version = 2 WHERE id = $1`, [current]);
    const oldNamespace = await insertEntry(tenant, { docVersions: { D: 2 } });
    const outsideWindow = await insertEntry(tenant, { docVersions: { D: 1 } });
    await pool.query(`UPDATE cache_entries SET namespace_version = 2 WHERE id = ANY ($1::uuid[])`, [
      [oldDoc, outsideWindow],
    ]);
    await pool.query(`UPDATE cache_entries SET created_at = now() - interval '2 hours' WHERE id = $1`, [outsideWindow]);
    const sweeper = new Sweeper(repo, new InvalidationMetrics(new Registry()), {
      intervalMs: 0,
      batchSize: 1000,
      maxBatchesPerSweep: 10,
      retiredGraceSeconds: 3600,
      expiredGraceSeconds: 3600,
      eventRetentionDays: 30,
      staleWindowSeconds: 600,
    });
    expect((await sweeper.sweepOnce()).stale).toBeGreaterThanOrEqual(2);
    expect([
      await isRetired(oldDoc),
      await isRetired(oldNamespace),
      await isRetired(current),
      await isRetired(outsideWindow),
    ]).toEqual([true, true, false, false]);
  });

  it('retires a large selection in several statements, counting all of them', async () => {
    const tenant = `batch-${run}`;
    const ids = await Promise.all(Array.from({ length: 7 }, () => insertEntry(tenant)));
    const small = new Invalidator(
      new InvalidationRepository(pool, { retireBatch: 2 }),
      async () => undefined,
      new InvalidationMetrics(new Registry()),
    );
    expect(
      await small.applyCommand({
        event_id: randomUUID(),
        tenant,
        action: 'purge_tenant',
        at: new Date().toISOString(),
      }),
    ).toMatchObject({ entries_retired: 7 });
    for (const id of ids) expect(await isRetired(id)).toBe(true);
  });
});
