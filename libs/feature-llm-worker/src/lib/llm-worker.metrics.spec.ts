import { Registry } from 'prom-client';
import type { CompletionV1 } from '@deja/contracts';
import { MODELS, OTHER_MODEL_LABEL } from '@deja/util-model-catalog';
import { LlmWorkerMetrics } from './llm-worker.metrics';

function completion(model: string): CompletionV1 {
  return {
    status: 'completed',
    request: { provider: 'openai', model, messages: [{ role: 'user', content: 'hi' }], params: {} },
    usage: { input_tokens: 10, cache_write_tokens: 0, cache_read_tokens: 5, output_tokens: 3 },
    cost: { usd: 0.001, uncached_usd: 0.002, saved_usd: 0.001 },
  } as unknown as CompletionV1;
}

/** Every value the `model` label takes in the registry's exposition. */
function modelLabels(text: string): Set<string> {
  return new Set([...text.matchAll(/model="([^"]*)"/g)].map((m) => m[1]));
}

describe('LlmWorkerMetrics label values', () => {
  const secret = 'dj_tenant_key_0123456789abcdef';

  it('never publishes a client-supplied model name: unknown models are `other`, known ones their catalog id', async () => {
    const registry = new Registry();
    const metrics = new LlmWorkerMetrics(registry);
    metrics.providerCall('openai', secret, 'ok', 12);
    metrics.completion(completion(secret), 'leader');
    metrics.completion(completion('gpt-4o-2024-08-06'), 'leader');
    const text = await registry.metrics();
    expect(text).not.toContain(secret);
    expect(modelLabels(text)).toEqual(new Set([OTHER_MODEL_LABEL, 'gpt-4o']));
  });

  it('keeps the exposition bounded: 200 made-up model names add no series after the first', async () => {
    const registry = new Registry();
    const metrics = new LlmWorkerMetrics(registry);
    const feed = (name: string) => {
      metrics.providerCall('openai', name, 'ok', 5);
      metrics.providerCall('openai', name, 'error', 5);
      metrics.completion(completion(name), 'leader');
    };
    feed('made-up-model-0');
    const after1 = (await registry.metrics()).split('\n').length;
    for (let i = 1; i < 200; i++) feed(`made-up-model-${i}`);
    const after200 = (await registry.metrics()).split('\n').length;
    expect(after200).toBe(after1);
  });

  it('bounds the model label by the catalog size plus one, whatever the traffic', async () => {
    const registry = new Registry();
    const metrics = new LlmWorkerMetrics(registry);
    for (const m of MODELS) metrics.completion(completion(m.id), 'leader');
    for (let i = 0; i < 50; i++) metrics.completion(completion(`x-${i}`), 'leader');
    expect(modelLabels(await registry.metrics()).size).toBeLessThanOrEqual(MODELS.length + 1);
  });
});
