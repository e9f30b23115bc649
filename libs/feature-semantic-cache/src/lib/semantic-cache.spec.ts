import { Registry } from 'prom-client';
import { ContractsTesting, type RequestV1 } from '@deja/contracts';
import type { CacheRepository } from '@deja/data-access-cache';
import { EmbeddingsTesting } from '@deja/data-access-embeddings';
import { CacheMetrics } from './cache-metrics';
import { DEFAULT_NAMESPACE_POLICY, SemanticCache } from './semantic-cache';

/** A repository whose database is down: every call fails like pg does when it cannot connect. */
const downRepo = new Proxy({} as CacheRepository, {
  get: () => async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  },
});

const request: RequestV1 = {
  request_id: 'r1',
  tenant: 'acme',
  submitted_at: new Date().toISOString(),
  request: {
    provider: 'openai',
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'What is RAG?' }],
    params: {},
  },
  cache: { namespace: 'default', lookup: true, store: true, personal: false, context_docs: [] },
};

function cache(mode: 'bypass' | 'fail' | 'retry') {
  return new SemanticCache(downRepo, new EmbeddingsTesting.HashingTestEmbedder(), new CacheMetrics(new Registry()), {
    topK: 5,
    defaults: DEFAULT_NAMESPACE_POLICY,
    databaseDownMode: mode,
  });
}

describe('SemanticCache with Postgres unreachable', () => {
  it('bypass: sends the request to the provider, marked not cacheable, so nothing is stored', async () => {
    const outcome = await cache('bypass').lookup(request, 'ref');
    expect(outcome.kind).toBe('miss');
    if (outcome.kind !== 'miss') return;
    expect(outcome.miss.lookup).toMatchObject({
      outcome: 'bypass',
      cacheable: false,
      rejected_by: 'degraded:postgres_unavailable',
    });
    const completion = ContractsTesting.completionFor(outcome.miss, 'answer');
    const result = await cache('bypass').complete(completion);
    expect(result).toMatchObject({
      status: 'completed',
      answer: { content: 'answer' },
      cache: { outcome: 'bypass', entry_id: null },
    });
  });

  it('fail: answers at once with a retriable cache_unavailable error', async () => {
    const outcome = await cache('fail').lookup(request, 'ref');
    expect(outcome.kind).toBe('failed');
    if (outcome.kind === 'failed')
      expect(outcome.result.error).toMatchObject({ code: 'cache_unavailable', retriable: true });
  });

  it('retry: leaves the error to the consumer, which retries the message', async () => {
    await expect(cache('retry').lookup(request, 'ref')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('per namespace: an override applies to its namespace only', async () => {
    const mixed = new SemanticCache(
      downRepo,
      new EmbeddingsTesting.HashingTestEmbedder(),
      new CacheMetrics(new Registry()),
      {
        topK: 5,
        defaults: DEFAULT_NAMESPACE_POLICY,
        databaseDownMode: 'bypass',
        databaseDownModeByNamespace: { payments: 'fail' },
      },
    );
    expect((await mixed.lookup({ ...request, cache: { ...request.cache, namespace: 'payments' } }, 'ref')).kind).toBe(
      'failed',
    );
    expect((await mixed.lookup(request, 'ref')).kind).toBe('miss');
  });

  it('delivers the answer when Postgres refuses to store it (a data error), without caching it', async () => {
    const refusing = {
      namespace: async () => ({
        version: 1,
        threshold: null,
        minThreshold: null,
        maxThreshold: null,
        ttlSeconds: null,
        slidingTtl: null,
      }),
      ensureVectorIndex: async () => undefined,
      insert: async () => {
        throw Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
      },
    } as unknown as CacheRepository;
    const c = new SemanticCache(
      refusing,
      new EmbeddingsTesting.HashingTestEmbedder(),
      new CacheMetrics(new Registry()),
      { topK: 5, defaults: DEFAULT_NAMESPACE_POLICY },
    );
    const lookup = ContractsTesting.missLookup({
      normalized_query: 'what is rag',
      embedding_model: 'hash',
      threshold: 0.9,
    });
    const completion = ContractsTesting.completionFor({ ...request, lookup }, 'half an emoji \ud83d', {
      answer: { content: 'half an emoji \ud83d', finish_reason: 'length', simulated: true },
    });
    const result = await c.complete(completion);
    expect(result).toMatchObject({ status: 'completed', cache: { entry_id: null } });
    expect(result.answer?.content).toContain('half an emoji');
  });
});
