import type { ProviderFault } from '../common/primitives';
import type { CompletionV1, MissV1, RequestV1 } from '../topics';

/** What a test pins of a request; the rest is a plain, cacheable OpenAI question. */
export interface RequestFixture {
  requestId: string;
  tenant: string;
  question: string;
  system?: string;
  model?: string;
  cache?: Partial<RequestV1['cache']>;
}

/** A `deja.requests.v1` value as the gateway publishes it: one user question, temperature 0. */
export function requestFor(f: RequestFixture): RequestV1 {
  return {
    request_id: f.requestId,
    tenant: f.tenant,
    submitted_at: new Date().toISOString(),
    request: {
      provider: 'openai',
      model: f.model ?? 'gpt-4o-mini',
      system: f.system ?? 'You are the support assistant of Acme Cloud.',
      messages: [{ role: 'user', content: f.question }],
      params: { temperature: 0 },
    },
    cache: { namespace: 'support', lookup: true, store: true, personal: false, context_docs: [], ...f.cache },
  };
}

/** The lookup block of a plain miss (no embedding, nothing near it, cacheable). */
export function missLookup(over: Partial<MissV1['lookup']> = {}): MissV1['lookup'] {
  return {
    scope_hash: 'scope1',
    query_hash: 'q1',
    normalized_query: 'capital of france',
    embedding_model: null,
    embedding: null,
    namespace_version: 1,
    doc_versions: {},
    nearest_similarity: null,
    outcome: 'miss',
    cacheable: true,
    rejected_by: null,
    threshold: null,
    ...over,
  } as MissV1['lookup'];
}

/** The completion an llm-worker would publish for `miss`: a cheap, complete provider answer. */
export function completionFor(miss: MissV1, content: string, over: Partial<CompletionV1> = {}): CompletionV1 {
  return {
    ...miss,
    status: 'completed',
    answer: { content, finish_reason: 'stop', simulated: true },
    usage: { input_tokens: 100, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 50 },
    cost: { usd: 0.001, uncached_usd: 0.001, saved_usd: 0 },
    error: null,
    complete: true,
    warnings: [],
    provider_latency_ms: 10,
    ...over,
  };
}

/** OpenAI's answer to an unknown model, as a completion carries a provider's error answer. */
export const MODEL_NOT_FOUND: ProviderFault = Object.freeze({
  status: 404,
  type: 'invalid_request_error',
  code: 'model_not_found',
  param: 'model',
  message: 'The model `gpt-9` does not exist',
  retry_after_ms: null,
});
