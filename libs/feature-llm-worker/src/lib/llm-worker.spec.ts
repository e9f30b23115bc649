import { CompletionV1, ContractsTesting } from '@deja/contracts';
import { ProviderError, ProviderErrorCode } from '@deja/data-access-providers';
import { LlmWorker, type LlmWorkerOptions } from './llm-worker';
import { FakeClock, FakeProvider, miss, response } from './testing.fixtures';

const options: LlmWorkerOptions = {
  promptCache: { anthropicLongTtlForStatic: false, defaultMaxTokens: 1024 },
  retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 30_000 },
  breaker: { failureThreshold: 3, cooldownMs: 10_000 },
  coalesceWindowMs: 5000,
};

function setup(script: ConstructorParameters<typeof FakeProvider>[1], over: Partial<LlmWorkerOptions> = {}) {
  // One second after the fixtures' submitted_at: misses reach the worker after they were made.
  const clock = new FakeClock(Date.parse('2026-11-27T01:00:01.000Z'));
  const provider = new FakeProvider('openai', script);
  const worker = new LlmWorker(new Map([['openai', provider]]), { ...options, ...over }, { clock, random: () => 0.5 });
  return { clock, provider, worker };
}

const rateLimited = () =>
  new ProviderError('openai', ProviderErrorCode.RateLimited, '429', { status: 429, retryAfterMs: 1000 });
const serverError = () => new ProviderError('openai', ProviderErrorCode.ServerError, '500', { status: 500 });

describe('LlmWorker', () => {
  it('answers a miss with a valid completion carrying usage and the cost ledger', async () => {
    const { worker } = setup([response()]);
    const c = await worker.complete(miss(), 'scope1:q1');
    expect(CompletionV1.parse(c)).toEqual(c);
    expect(c).toMatchObject({ status: 'completed', complete: true, error: null, answer: { content: 'Paris.' } });
    expect(c.usage).toEqual({ input_tokens: 100, cache_write_tokens: 0, cache_read_tokens: 3000, output_tokens: 20 });
    expect(c.cost.usd).toBeLessThan(c.cost.uncached_usd);
    expect(c.request_id).toBe('r-1');
  });

  it('coalesces 50 concurrent identical misses into one provider call; the leader pays, followers save', async () => {
    const { worker, provider } = setup([response()]);
    provider.hold();
    const pending = Array.from({ length: 50 }, (_, i) => worker.complete(miss({ requestId: `r-${i}` }), 'scope1:q1'));
    await new Promise((r) => setImmediate(r));
    provider.open();
    const done = await Promise.all(pending);
    expect(provider.sent).toHaveLength(1);
    expect(new Set(done.map((c) => c.request_id)).size).toBe(50);
    const leaders = done.filter((c) => c.usage.output_tokens > 0);
    expect(leaders).toHaveLength(1);
    expect(leaders[0]!.coalesced).toBeUndefined();
    expect(done.filter((c) => c.coalesced === true)).toHaveLength(49);
    const followers = done.filter((c) => c.usage.output_tokens === 0);
    for (const f of followers) {
      expect(f.answer?.content).toBe('Paris.');
      expect(f.cost).toEqual({
        usd: 0,
        uncached_usd: leaders[0]!.cost.uncached_usd,
        saved_usd: leaders[0]!.cost.uncached_usd,
      });
    }
  });

  it('hands a just-finished answer to identical misses that arrive one after another (Kafka order)', async () => {
    const { worker, provider, clock } = setup([response()]);
    await worker.complete(miss({ requestId: 'a' }), 'k');
    clock.advance(4000);
    const second = await worker.complete(miss({ requestId: 'b' }), 'k');
    expect(provider.sent).toHaveLength(1);
    expect(second.usage.output_tokens).toBe(0);
    clock.advance(2000);
    await worker.complete(miss({ requestId: 'c' }), 'k');
    expect(provider.sent).toHaveLength(2);
  });

  it('does not hand a finished answer to an identical miss submitted after it finished (a purge may have retired it)', async () => {
    const { worker, provider, clock } = setup([response()]);
    await worker.complete(miss({ requestId: 'a' }), 'k');
    clock.advance(1000);
    const late = await worker.complete(
      miss({ requestId: 'late', submitted_at: new Date(clock.now()).toISOString() }),
      'k',
    );
    expect(provider.sent).toHaveLength(2);
    expect(late.coalesced).toBeUndefined();
  });

  it('never reuses a finished answer for a no-cache request, nor across versions or keys', async () => {
    const { worker, provider } = setup([response()]);
    await worker.complete(miss(), 'k');
    await worker.complete(
      miss({ cache: { namespace: 'default', lookup: false, store: true, personal: false, context_docs: [] } }),
      'k',
    );
    const bumped = miss();
    bumped.lookup.namespace_version = 2;
    await worker.complete(bumped, 'k');
    await worker.complete(miss(), 'other-key');
    expect(provider.sent).toHaveLength(4);
  });

  it('retries retriable errors and completes', async () => {
    const { worker, provider, clock } = setup([rateLimited(), serverError(), response()]);
    const c = await worker.complete(miss(), 'k');
    expect(c.status).toBe('completed');
    expect(provider.sent).toHaveLength(3);
    expect(clock.sleeps[0]).toBe(1000); // retry-after honoured
  });

  it('fails with the reason after the attempts are spent, and a failure is never reused', async () => {
    const { worker, provider } = setup([serverError()], { breaker: { failureThreshold: 100, cooldownMs: 1000 } });
    const c = await worker.complete(miss(), 'k');
    expect(CompletionV1.parse(c)).toEqual(c);
    expect(c).toMatchObject({
      status: 'failed',
      answer: null,
      complete: false,
      error: { code: 'provider_server_error', retriable: true },
    });
    expect(c.cost).toEqual({ usd: 0, uncached_usd: 0, saved_usd: 0 });
    expect(provider.sent).toHaveLength(4);
    await worker.complete(miss({ requestId: 'r-2' }), 'k');
    expect(provider.sent).toHaveLength(8);
  });

  it('does not retry a terminal error', async () => {
    const { worker, provider } = setup([
      new ProviderError('openai', ProviderErrorCode.InvalidRequest, '400 bad', { status: 400 }),
    ]);
    const c = await worker.complete(miss(), 'k');
    expect(c.error).toEqual({ code: 'invalid_request', message: '400 bad', retriable: false });
    expect(provider.sent).toHaveLength(1);
  });

  it("carries the provider's error answer (status, type, code, param) on the completion, valid on the wire", async () => {
    const fault = ContractsTesting.MODEL_NOT_FOUND;
    const { worker, provider } = setup([
      new ProviderError('openai', ProviderErrorCode.NotFound, 'openai 404: no such model', { status: 404, fault }),
    ]);
    const c = await worker.complete(miss(), 'k');
    expect(CompletionV1.parse(c)).toEqual(c);
    expect(c.error).toEqual({
      code: 'model_not_found',
      message: 'openai 404: no such model',
      retriable: false,
      provider_error: fault,
    });
    expect(provider.sent).toHaveLength(1);
  });

  it('fails fast with provider_unavailable while the breaker is open', async () => {
    const { worker, provider } = setup([serverError()], {
      retry: { ...options.retry, maxAttempts: 1 },
      coalesceWindowMs: 0,
    });
    for (let i = 0; i < 3; i++) await worker.complete(miss({ requestId: `r-${i}` }), `k${i}`);
    expect(worker.breakerState('openai')).toBe('open');
    const c = await worker.complete(miss({ requestId: 'r-x' }), 'kx');
    expect(c.error).toMatchObject({ code: 'provider_unavailable', retriable: true });
    expect(c.error?.message).toContain('(last: 500)');
    expect(provider.sent).toHaveLength(3);
  });

  it('fails clearly when the provider is not configured', async () => {
    const { worker } = setup([response()]);
    const m = miss();
    m.request = { ...m.request, provider: 'anthropic', model: 'claude-sonnet-4-6' };
    const c = await worker.complete(m, 'k');
    expect(c.error).toMatchObject({ code: 'provider_not_configured', retriable: false });
  });

  it('carries volatile-content warnings and the simulated flag', async () => {
    const { worker } = setup([response({ answer: { content: 'x', finish_reason: 'stop', simulated: true } })]);
    const m = miss();
    m.request = { ...m.request, system: 'Time now: 2026-11-27T01:00:00Z. Answer briefly.' };
    const c = await worker.complete(m, 'k');
    expect(c.warnings).toEqual([
      'volatile content in system prompt at char 10: ISO timestamp "2026-11-…" breaks prompt caching',
    ]);
    expect(c.answer?.simulated).toBe(true);
  });

  it('marks an interrupted answer complete: false and does not share it with later misses', async () => {
    const { worker, provider } = setup([response({ complete: false })]);
    const c = await worker.complete(miss(), 'k');
    expect(c.complete).toBe(false);
    await worker.complete(miss({ requestId: 'r-2' }), 'k');
    expect(provider.sent).toHaveLength(2);
  });

  it('does not call the provider for a miss older than the age limit', async () => {
    const { worker, provider, clock } = setup([response()], { maxMissAgeMs: 60_000 });
    clock.t = Date.parse('2026-11-27T01:00:00.000Z') + 61_000;
    const c = await worker.complete(miss(), 'k');
    expect(c.error).toMatchObject({ code: 'miss_expired', retriable: false });
    expect(provider.sent).toHaveLength(0);
    clock.t = Date.parse('2026-11-27T01:00:00.000Z') + 59_000;
    expect((await worker.complete(miss(), 'k')).status).toBe('completed');
  });
});
