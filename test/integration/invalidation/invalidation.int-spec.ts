import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import {
  COMPLETIONS_V1,
  ContractsTesting,
  DEAD_LETTER_V1,
  DOC_CHANGES_V1,
  INVALIDATED_V1,
  INVALIDATIONS_V1,
  MISSES_V1,
  REQUESTS_V1,
  RESULTS_V1,
  type DeadLetterV1,
  type DocChangeV1,
  type InvalidatedV1,
  type InvalidationV1,
  type MissV1,
  type ResultV1,
} from '@deja/contracts';
import { testEnv, testNames } from '../env';
import { KafkaProbe } from '../support/kafka-probe';
import { metricValue, ServiceProcess } from '../support/service-process';

type CommandWithoutFill = InvalidationV1 extends infer U
  ? U extends InvalidationV1
    ? Omit<U, 'event_id' | 'at'>
    : never
  : never;

/**
 * Invalidation end to end: the real embedding-service stores and looks up answers, the
 * invalidation-service consumes document changes and operator commands, and the test plays the
 * llm-worker (it answers each miss with a completion), all over the real Kafka and Postgres.
 */
describe('invalidation via the invalidation-service (real Kafka, Postgres, embedding-service)', () => {
  const probe = new KafkaProbe('invalidation-test');
  const embedding = new ServiceProcess('embedding-service', 18291);
  const invalidation = new ServiceProcess('invalidation-service', 18292, {
    SWEEP_INTERVAL_MS: '1000',
    SWEEP_RETIRED_GRACE_SECONDS: '0',
    SWEEP_EXPIRED_GRACE_SECONDS: '0',
  });
  const pool = new Pool({ connectionString: testEnv.databaseUrl, max: 2 });
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    await probe.start([RESULTS_V1, MISSES_V1, INVALIDATED_V1, DEAD_LETTER_V1]);
    await Promise.all([embedding.start(), invalidation.start()]);
  });

  afterAll(async () => {
    await Promise.all([embedding.stop(), invalidation.stop()]);
    await probe.stop();
    await pool.end();
  });

  interface Ask {
    namespace?: string;
    docs?: string[];
  }

  /** Sends a question; answers it as the llm-worker would when it misses; returns the result. */
  async function ask(
    tenant: string,
    question: string,
    opts: Ask = {},
  ): Promise<{ result: ResultV1; missed: boolean; miss?: MissV1 }> {
    const request = ContractsTesting.requestFor({
      requestId: `${run}-${randomUUID()}`,
      tenant,
      question,
      cache: { namespace: opts.namespace ?? 'support', context_docs: (opts.docs ?? []).map((id) => ({ id })) },
    });
    await probe.send(REQUESTS_V1, request.request_id, request);
    const id = request.request_id;
    const first = await Promise.race([
      probe.waitFor<ResultV1>(RESULTS_V1, (v) => v.request_id === id).then((r) => ({ kind: 'result' as const, r })),
      probe.waitFor<MissV1>(MISSES_V1, (v) => v.request_id === id).then((m) => ({ kind: 'miss' as const, m })),
    ]);
    if (first.kind === 'result') {
      // Other consumers of the shared topics (another engineer's llm-worker, say) may answer a
      // miss before this test does: the outcome, not which message came first, says hit or miss.
      if (first.r.cache.outcome === 'hit') return { result: first.r, missed: false };
      const miss = await probe.waitFor<MissV1>(MISSES_V1, (v) => v.request_id === id, 10000);
      return { result: first.r, missed: true, miss };
    }
    const completion = ContractsTesting.completionFor(first.m, `Answer to: ${question}`);
    await probe.send(COMPLETIONS_V1, `${first.m.lookup.scope_hash}:${first.m.lookup.query_hash}`, completion);
    return {
      result: await probe.waitFor<ResultV1>(RESULTS_V1, (v) => v.request_id === id),
      missed: true,
      miss: first.m,
    };
  }

  /** Publishes a document change and waits for its audit record. */
  async function docChanged(tenant: string, doc: string, change: Partial<DocChangeV1> = {}): Promise<InvalidatedV1> {
    const event: DocChangeV1 = {
      event_id: randomUUID(),
      tenant,
      doc_id: doc,
      change: 'updated',
      at: new Date().toISOString(),
      ...change,
    };
    return sendAndAwait(DOC_CHANGES_V1, `${tenant}:${doc}`, event);
  }

  /** Publishes an operator command and waits for its audit record. */
  async function command(c: CommandWithoutFill): Promise<InvalidatedV1> {
    const value = { event_id: randomUUID(), at: new Date().toISOString(), ...c } as InvalidationV1;
    return sendAndAwait(INVALIDATIONS_V1, value.tenant, value);
  }

  /** Sends, then waits for the next audit record of that event id (replays produce another one). */
  async function sendAndAwait(
    topic: string,
    key: string,
    value: { event_id: string; tenant: string },
  ): Promise<InvalidatedV1> {
    const matches = (v: Record<string, unknown>) => v.event_id === value.event_id && v.tenant === value.tenant;
    const before = probe.count(INVALIDATED_V1, matches);
    await probe.send(topic, key, value);
    const deadline = Date.now() + 30000;
    while (probe.count(INVALIDATED_V1, matches) <= before) {
      if (Date.now() > deadline)
        throw new Error(
          `no audit record for ${value.event_id} on ${INVALIDATED_V1}:\n${invalidation.output.slice(-3000)}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
    return probe.seen.get(INVALIDATED_V1)!.filter((m) => matches(m.value))[before]!.value as unknown as InvalidatedV1;
  }

  /** An entry is gone from the cache once it is retired, or already deleted by the sweep. */
  async function retiredOrDeleted(entryId: string): Promise<boolean> {
    const { rows } = await pool.query<{ retired_at: Date | null }>(
      `SELECT retired_at FROM cache_entries WHERE id = $1`,
      [entryId],
    );
    return rows.length === 0 || rows[0]!.retired_at !== null;
  }

  async function documentVersion(
    tenant: string,
    doc: string,
  ): Promise<{ version: number; deleted: boolean } | undefined> {
    const { rows } = await pool.query<{ version: string; deleted: boolean }>(
      `SELECT version, deleted FROM documents WHERE tenant = $1 AND doc_id = $2`,
      [tenant, doc],
    );
    return rows[0] ? { version: Number(rows[0].version), deleted: rows[0].deleted } : undefined;
  }

  it('retires the answer built from a changed document and keeps the one that did not use it', async () => {
    const tenant = `docs-${run}`;
    const withDoc = 'What does the Pro plan cost per month?';
    const without = 'How do I reset my password?';
    const a = await ask(tenant, withDoc, { docs: ['D'] });
    const b = await ask(tenant, without);
    expect([a.missed, b.missed]).toEqual([true, true]);
    expect((await ask(tenant, withDoc, { docs: ['D'] })).missed).toBe(false);

    const audit = await docChanged(tenant, 'D');
    expect(audit).toMatchObject({ cause: 'doc_change', applied: true, entries_retired: 1, new_version: 1 });
    expect(await retiredOrDeleted(a.result.cache.entry_id!)).toBe(true);

    const fresh = await ask(tenant, withDoc, { docs: ['D'] });
    expect(fresh.missed).toBe(true);
    expect(fresh.miss!.lookup.doc_versions).toEqual({ D: 1 });
    const { rows } = await pool.query(`SELECT doc_versions FROM cache_entries WHERE id = $1`, [
      fresh.result.cache.entry_id,
    ]);
    expect(rows[0].doc_versions).toEqual({ D: 1 });
    const again = await ask(tenant, withDoc, { docs: ['D'] });
    expect(again.missed).toBe(false);
    expect(again.result.cache.entry_id).toBe(fresh.result.cache.entry_id);

    const other = await ask(tenant, without);
    expect(other.missed).toBe(false);
    expect(other.result.cache.entry_id).toBe(b.result.cache.entry_id);
  });

  it('retires every answer of a namespace on a version bump, and no other', async () => {
    const tenant = `ns-${run}`;
    const s1 = await ask(tenant, 'How do I enable two-factor authentication?', { namespace: 'support' });
    const s2 = await ask(tenant, 'Which browsers are supported?', { namespace: 'support' });
    const b1 = await ask(tenant, 'When is my invoice issued?', { namespace: 'billing' });
    const elsewhere = await ask(`ns-other-${run}`, 'Which browsers are supported?', { namespace: 'support' });

    const audit = await command({ tenant, action: 'bump_namespace', namespace: 'support', reason: 'new product docs' });
    expect(audit).toMatchObject({ cause: 'bump_namespace', applied: true, entries_retired: 2, new_version: 2 });
    expect(await retiredOrDeleted(s1.result.cache.entry_id!)).toBe(true);
    expect(await retiredOrDeleted(s2.result.cache.entry_id!)).toBe(true);

    expect((await ask(tenant, 'How do I enable two-factor authentication?', { namespace: 'support' })).missed).toBe(
      true,
    );
    const billing = await ask(tenant, 'When is my invoice issued?', { namespace: 'billing' });
    expect(billing).toMatchObject({ missed: false, result: { cache: { entry_id: b1.result.cache.entry_id } } });
    const other = await ask(`ns-other-${run}`, 'Which browsers are supported?', { namespace: 'support' });
    expect(other).toMatchObject({ missed: false, result: { cache: { entry_id: elsewhere.result.cache.entry_id } } });
  });

  it('ends at the same versions when events are replayed or arrive out of order (3 then 2)', async () => {
    const tenant = `order-${run}`;
    const e3 = {
      event_id: `v3-${run}`,
      tenant,
      doc_id: 'R',
      change: 'updated' as const,
      version: 3,
      at: new Date().toISOString(),
    };
    const e2 = { ...e3, event_id: `v2-${run}`, version: 2 };
    expect(await sendAndAwait(DOC_CHANGES_V1, `${tenant}:R`, e3)).toMatchObject({ applied: true, new_version: 3 });
    const built = await ask(tenant, 'What changed in release 3?', { docs: ['R'] });
    expect(built.miss!.lookup.doc_versions).toEqual({ R: 3 });

    expect(await sendAndAwait(DOC_CHANGES_V1, `${tenant}:R`, e2)).toMatchObject({
      applied: true,
      entries_retired: 0,
      new_version: 3,
    });
    expect(await sendAndAwait(DOC_CHANGES_V1, `${tenant}:R`, e3)).toMatchObject({
      applied: false,
      entries_retired: 0,
      new_version: 3,
    });
    expect(await sendAndAwait(DOC_CHANGES_V1, `${tenant}:R`, e2)).toMatchObject({ applied: false, entries_retired: 0 });
    expect(await documentVersion(tenant, 'R')).toEqual({ version: 3, deleted: false });
    expect((await ask(tenant, 'What changed in release 3?', { docs: ['R'] })).missed).toBe(false);

    // Without a version each event adds one: a replay must not add another.
    const bump = {
      event_id: `inc-${run}`,
      tenant,
      doc_id: 'R',
      change: 'updated' as const,
      at: new Date().toISOString(),
    };
    expect(await sendAndAwait(DOC_CHANGES_V1, `${tenant}:R`, bump)).toMatchObject({ applied: true, new_version: 4 });
    expect(await sendAndAwait(DOC_CHANGES_V1, `${tenant}:R`, bump)).toMatchObject({ applied: false, new_version: 4 });
    expect(await documentVersion(tenant, 'R')).toEqual({ version: 4, deleted: false });

    const ns = {
      event_id: `bump-${run}`,
      tenant,
      action: 'bump_namespace' as const,
      namespace: 'support',
      at: new Date().toISOString(),
    };
    expect(await sendAndAwait(INVALIDATIONS_V1, tenant, ns)).toMatchObject({ applied: true, new_version: 2 });
    expect(await sendAndAwait(INVALIDATIONS_V1, tenant, ns)).toMatchObject({ applied: false, new_version: 2 });
    const { rows } = await pool.query(`SELECT version FROM namespaces WHERE tenant = $1 AND namespace = 'support'`, [
      tenant,
    ]);
    expect(Number(rows[0].version)).toBe(2);
  });

  it('retires answers that used a deleted document', async () => {
    const tenant = `del-${run}`;
    const a = await ask(tenant, 'What is in the onboarding guide?', { docs: ['guide'] });
    expect(await docChanged(tenant, 'guide', { change: 'deleted' })).toMatchObject({
      applied: true,
      entries_retired: 1,
      new_version: 1,
    });
    expect(await retiredOrDeleted(a.result.cache.entry_id!)).toBe(true);
    expect(await documentVersion(tenant, 'guide')).toEqual({ version: 1, deleted: true });
  });

  it('dead-letters a malformed event with the reason and goes on', async () => {
    const raw = `{not json ${run}`;
    await probe.send(DOC_CHANGES_V1, `bad-${run}`, raw);
    const dl = await probe.waitFor<DeadLetterV1>(
      DEAD_LETTER_V1,
      (v) => v.source_topic === testNames.topic(DOC_CHANGES_V1) && v.value === raw,
    );
    expect(dl.reason.code).toBe('malformed_json');
    expect(dl.consumer_group).toBe(testNames.group(`${invalidation.groupPrefix}.invalidation-service`));

    const badAction = {
      event_id: `bad-${run}`,
      tenant: `bad-${run}`,
      action: 'purge_everything',
      at: new Date().toISOString(),
    };
    await probe.send(INVALIDATIONS_V1, `bad-${run}`, badAction);
    const dl2 = await probe.waitFor<DeadLetterV1>(
      DEAD_LETTER_V1,
      (v) =>
        v.source_topic === testNames.topic(INVALIDATIONS_V1) &&
        typeof v.value === 'string' &&
        v.value.includes(`bad-${run}`),
    );
    expect(dl2.reason.code).toBe('schema_violation');
    expect(dl2.reason.issues.map((i) => i.path)).toContain('action');

    expect(await docChanged(`after-bad-${run}`, 'X')).toMatchObject({ applied: true, new_version: 1 });
  });

  it('purges exactly what a purge names: an entry id, a query text, a tenant', async () => {
    const tenant = `purge-${run}`;
    const other = `purge-other-${run}`;
    const qa = 'How do I delete my account?';
    const qb = 'Can I change my billing email?';
    const qc = 'Where can I download invoices?';
    const a = await ask(tenant, qa);
    const b = await ask(tenant, qb);
    const c = await ask(tenant, qc);
    const bElsewhere = await ask(other, qb);

    expect(await command({ tenant, action: 'purge_entry', entry_id: a.result.cache.entry_id! })).toMatchObject({
      cause: 'purge_entry',
      applied: true,
      entries_retired: 1,
    });
    expect((await ask(tenant, qa)).missed).toBe(true);
    expect((await ask(tenant, qb)).result.cache.entry_id).toBe(b.result.cache.entry_id);

    // Typed differently from the stored question: matched on the normal form (an ALL-CAPS word
    // keeps its case in the exact tier since key version 2, a capitalised one folds).
    expect(await command({ tenant, action: 'purge_query', query: '  can i change my Billing email  ' })).toMatchObject({
      applied: true,
      entries_retired: 1,
    });
    expect(await retiredOrDeleted(b.result.cache.entry_id!)).toBe(true);
    expect((await ask(tenant, qc)).result.cache.entry_id).toBe(c.result.cache.entry_id);
    expect((await ask(other, qb)).result.cache.entry_id).toBe(bElsewhere.result.cache.entry_id);

    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM cache_entries WHERE tenant = $1 AND retired_at IS NULL`,
      [tenant],
    );
    const all = await command({ tenant, action: 'purge_tenant' });
    expect(all).toMatchObject({ applied: true, entries_retired: rows[0].n });
    expect(await retiredOrDeleted(c.result.cache.entry_id!)).toBe(true);
    expect((await ask(tenant, qc)).missed).toBe(true);
    expect((await ask(other, qb)).missed).toBe(false);
  });

  it('deletes retired entries in the background and counts them', async () => {
    const tenant = `sweep-${run}`;
    const a = await ask(tenant, 'How long are backups kept?');
    const before = metricValue(await invalidation.metrics(), 'deja_invalidation_entries_deleted_total', {
      reason: 'retired',
    });
    await command({ tenant, action: 'purge_entry', entry_id: a.result.cache.entry_id! });
    const deadline = Date.now() + 15000;
    for (;;) {
      const { rowCount } = await pool.query(`SELECT 1 FROM cache_entries WHERE id = $1`, [a.result.cache.entry_id]);
      if (rowCount === 0) break;
      if (Date.now() > deadline) throw new Error('the retired entry was not deleted within 15 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = metricValue(await invalidation.metrics(), 'deja_invalidation_entries_deleted_total', {
      reason: 'retired',
    });
    expect(after).toBeGreaterThan(before);
    expect(
      metricValue(await invalidation.metrics(), 'deja_invalidation_entries_retired_total', { cause: 'purge_entry' }),
    ).toBeGreaterThanOrEqual(1);
  });
});
