import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import type { RequestV1 } from '@deja/contracts';
import { CacheRepository } from '@deja/data-access-cache';
import { EmbeddingsTesting } from '@deja/data-access-embeddings';
import { migrate } from '@deja/data-access-postgres';
import {
  CacheMetrics,
  createExactTier,
  DEFAULT_NAMESPACE_POLICY,
  type ExactTier,
  SemanticCache,
} from '@deja/feature-semantic-cache';
import { ContractsTesting } from '@deja/contracts';
import { testEnv } from '../env';

/**
 * `ExactTier.answer`: the gateway's exact hit, answered before anything is published, on the
 * real Postgres. It must serve what the pipeline's lookup would — nothing across tenants, nothing
 * retired, nothing built from an older namespace or document version, even though it remembers
 * the versions it last saw (only as a guess of the keys) — and claim nothing, so a request it
 * does not answer is looked up by the pipeline as before.
 */
describe('the exact tier answered before publishing (gateway fast path)', () => {
  const pool = new Pool({ connectionString: testEnv.databaseUrl, max: 3 });
  const embedder = new EmbeddingsTesting.HashingTestEmbedder();
  const cache = new SemanticCache(new CacheRepository(pool), embedder, new CacheMetrics(new Registry()), {
    topK: 5,
    defaults: DEFAULT_NAMESPACE_POLICY,
  });
  let tier: ExactTier;
  const run = randomUUID().slice(0, 8);
  const tenant = `exact-${run}`;

  beforeAll(async () => {
    await migrate({ databaseUrl: testEnv.databaseUrl });
    // Another process's instance, as the gateway builds it: only the pool and the model name shared.
    tier = createExactTier(pool, new Registry(), { embeddingModel: embedder.model });
  });

  afterAll(async () => {
    for (const table of ['cache_entries', 'request_log', 'namespaces', 'documents'])
      await pool.query(`DELETE FROM ${table} WHERE tenant LIKE $1`, [`%${run}`]);
    await pool.end();
  });

  function ask(question: string, over: { tenant?: string; namespace?: string; docs?: string[] } = {}): RequestV1 {
    return {
      request_id: randomUUID(),
      tenant: over.tenant ?? tenant,
      submitted_at: new Date().toISOString(),
      request: {
        provider: 'openai',
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: question }],
        params: {},
      },
      cache: {
        namespace: over.namespace ?? 'default',
        lookup: true,
        store: true,
        personal: false,
        context_docs: (over.docs ?? []).map((id) => ({ id })),
      },
    };
  }

  /** Stores an answer to `request` the way the pipeline does: lookup (a miss), then the completion. */
  async function store(request: RequestV1, answer: string): Promise<string> {
    const outcome = await cache.lookup(request, `test:${request.request_id}`);
    if (outcome.kind !== 'miss') throw new Error(`expected a miss, got ${outcome.kind}`);
    const result = await cache.complete(ContractsTesting.completionFor(outcome.miss, answer));
    if (!result.cache.entry_id) throw new Error('the answer was not stored');
    return result.cache.entry_id;
  }

  it('serves the result the pipeline would serve, and leaves the request id unclaimed', async () => {
    const entryId = await store(ask('How do I rotate an API key?'), 'rotate it in settings');
    const request = ask('How do I rotate an API key?');
    const fast = await tier.answer(request);
    expect(fast).toMatchObject({
      request_id: request.request_id,
      status: 'completed',
      answer: { content: 'rotate it in settings' },
      cache: { outcome: 'hit', tier: 'exact', entry_id: entryId, similarity: 1 },
      cost: { usd: 0 },
    });
    // Not claimed: the pipeline's lookup of the same request id is not dropped as a duplicate.
    const pipeline = await cache.lookup(request, `test:${request.request_id}`);
    expect(pipeline.kind).toBe('hit');
    if (pipeline.kind !== 'hit' || !fast) return;
    expect({ ...fast, completed_at: '' }).toEqual({ ...pipeline.result, completed_at: '' });
  });

  it("never answers another tenant's question, nor a question it has not seen", async () => {
    await store(ask('What is the refund window?'), 'thirty days');
    expect(await tier.answer(ask('What is the refund window?', { tenant: `other-${run}` }))).toBeNull();
    expect(await tier.answer(ask('What is the shipping window?'))).toBeNull();
  });

  it('honours a namespace version bump on the very next request, though it remembers the versions it saw', async () => {
    const namespace = `ns-${run}`;
    await store(ask('Which plan includes SSO?', { namespace }), 'enterprise');
    expect(await tier.answer(ask('Which plan includes SSO?', { namespace }))).not.toBeNull();
    await pool.query(`INSERT INTO namespaces (tenant, namespace, version) VALUES ($1, $2, 2)`, [tenant, namespace]);
    expect(await tier.answer(ask('Which plan includes SSO?', { namespace }))).toBeNull();
    // Answered again under the new version: served, with the keys of the new version.
    const renewed = await store(ask('Which plan includes SSO?', { namespace }), 'business and enterprise');
    expect((await tier.answer(ask('Which plan includes SSO?', { namespace })))?.cache.entry_id).toBe(renewed);
  });

  it('honours a document version bump on the very next request', async () => {
    const docs = [`handbook-${run}`];
    await store(ask('How many vacation days?', { docs }), '25');
    expect(await tier.answer(ask('How many vacation days?', { docs }))).not.toBeNull();
    await pool.query(`INSERT INTO documents (tenant, doc_id, version) VALUES ($1, $2, 1)`, [tenant, docs[0]]);
    expect(await tier.answer(ask('How many vacation days?', { docs }))).toBeNull();
  });

  it('does not serve a retired entry, nor answer a request that asks not to be looked up', async () => {
    const entryId = await store(ask('Is there a status page?'), 'yes');
    const noLookup = ask('Is there a status page?');
    expect(await tier.answer({ ...noLookup, cache: { ...noLookup.cache, lookup: false } })).toBeNull();
    await pool.query(`UPDATE cache_entries SET retired_at = now() WHERE id = $1`, [entryId]);
    expect(await tier.answer(ask('Is there a status page?'))).toBeNull();
  });
});
