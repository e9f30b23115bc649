import type { CompletionV1, MissV1 } from '@deja/contracts';

/** The completion an llm-worker would publish for `miss`: a cheap, complete provider answer. */
export function completionFor(miss: MissV1, content: string): CompletionV1 {
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
  };
}
