import type { NewEntry } from '@deja/data-access-cache';

/**
 * The `seq`-th entry a test stores for `tenant`: a one-token OpenAI answer kept an hour, no
 * embedding, no user. Override what the test is about (scope, embedding, user, …).
 */
export function newEntry(tenant: string, seq: number | string, over: Partial<NewEntry> = {}): NewEntry {
  return {
    tenant,
    namespace: 'default',
    scopeHash: `scope-${tenant}`,
    queryHash: `q${seq}`,
    normalizedQuery: `question ${seq}`,
    queryText: `question ${seq}`,
    embedding: null,
    embeddingModel: null,
    requestId: `req-${seq}`,
    provider: 'openai',
    model: 'gpt-4o-mini',
    answer: { content: `answer ${seq}`, finish_reason: 'stop', simulated: true },
    usage: { input_tokens: 1, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 1 },
    cost: { usd: 0, uncached_usd: 0, saved_usd: 0 },
    namespaceVersion: 1,
    docVersions: {},
    userId: null,
    ttlSeconds: 3600,
    ...over,
  };
}
