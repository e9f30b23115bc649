import { randomUUID } from 'node:crypto';
import { CompletionV1, type ChatRequest } from '@deja/contracts';
import { longSystemPrompt, makeMiss, simRequests, sleep, stackForSuite } from './harness';

/**
 * The llm-worker end to end: misses produced to the real Kafka, the built worker in a child
 * process, the real provider simulator (built) behind the official SDKs, completions read back
 * from deja.completions.v1.
 */
describe('llm-worker against the provider simulator and Kafka', () => {
  const { driver, stack } = stackForSuite();
  const tenant = `e2e-${randomUUID().slice(0, 8)}`;

  const openai = (system: string, question: string, model = 'gpt-4.1-mini'): ChatRequest => ({
    provider: 'openai',
    model,
    system,
    messages: [{ role: 'user', content: question }],
    params: { max_tokens: 64 },
  });
  const anthropic = (system: string, question: string): ChatRequest => ({
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    system,
    messages: [{ role: 'user', content: question }],
    params: { max_tokens: 64 },
  });

  it('turns a miss into one completion, under the same key, with the usage the provider reported', async () => {
    const question = `What is the refund window? ${randomUUID()}`;
    const miss = makeMiss(tenant, openai('You are terse.', question), question);
    await driver.send([miss]);
    const [completion] = await driver.await([miss.value.request_id]);
    expect(CompletionV1.parse(completion)).toBeTruthy();
    expect(completion).toMatchObject({ status: 'completed', complete: true, error: null, answer: { simulated: true } });
    expect(driver.completions.find((c) => c.value.request_id === miss.value.request_id)?.key).toBe(miss.key);
    const record = (await simRequests(stack.sim.url)).find((r) => r.last_user_text === question);
    expect(record?.tokens).toBeDefined();
    expect(completion!.usage).toEqual({
      input_tokens: record!.tokens!.input_tokens,
      cache_write_tokens: record!.tokens!.cache_write_tokens,
      cache_read_tokens: record!.tokens!.cache_read_tokens,
      output_tokens: record!.tokens!.output_tokens,
    });
    expect(completion!.cost.usd).toBeGreaterThan(0);
  });

  it.each([
    ['anthropic', anthropic],
    ['openai', (s: string, q: string) => openai(s, q, 'gpt-4.1')],
  ] as const)(
    '%s: a 4,000-token system prompt asked a second question reads the provider cache and costs less',
    async (_name, build) => {
      const system = longSystemPrompt(4000, `${_name}-${tenant}`);
      const first = makeMiss(tenant, build(system, 'How do I change my billing address?'), `first-${_name}`);
      await driver.send([first]);
      const [c1] = await driver.await([first.value.request_id]);
      const second = makeMiss(tenant, build(system, 'Can I get an invoice in euros?'), `second-${_name}`);
      await driver.send([second]);
      const [c2] = await driver.await([second.value.request_id]);

      expect(c1!.status).toBe('completed');
      expect(c2!.status).toBe('completed');
      if (_name === 'anthropic') expect(c1!.usage.cache_write_tokens).toBeGreaterThan(3500);
      expect(c2!.usage.cache_read_tokens).toBeGreaterThan(3500);
      expect(c2!.cost.usd).toBeLessThan(c2!.cost.uncached_usd);
      expect(c2!.cost.saved_usd).toBeGreaterThan(0);
      expect(c2!.warnings).toEqual([]);
      if (_name === 'openai') {
        const keys = (await simRequests(stack.sim.url))
          .filter((r) => r.provider === 'openai' && r.model === 'gpt-4.1')
          .map((r) => r.prompt_cache_key);
        expect(keys.length).toBeGreaterThanOrEqual(2);
        expect(new Set(keys).size).toBe(1); // one stable prompt_cache_key for the shared prefix
        expect(keys[0]).toMatch(/^deja-/);
      }
    },
  );

  it('warns about a timestamp inside the system prompt', async () => {
    const question = `Status? ${randomUUID()}`;
    const system = `Current time: ${new Date().toISOString()}. ${longSystemPrompt(1200, 'status')}`;
    const miss = makeMiss(tenant, anthropic(system, question), question);
    await driver.send([miss]);
    const [completion] = await driver.await([miss.value.request_id]);
    expect(completion!.warnings).toEqual([
      expect.stringMatching(/^volatile content in system prompt at char 14: ISO timestamp ".*" breaks prompt caching$/),
    ]);
  });

  it('coalesces 50 concurrent identical misses into ONE provider call, and answers each of them once', async () => {
    const question = `Which plan includes SSO? ${randomUUID()}`;
    const request = openai('You answer product questions.', question);
    const misses = Array.from({ length: 50 }, () => makeMiss(tenant, request, question));
    await driver.send(misses);
    const ids = misses.map((m) => m.value.request_id);
    const completions = await driver.await(ids);
    await sleep(1000); // a duplicate would arrive right behind
    expect(ids.map((id) => driver.countFor(id))).toEqual(ids.map(() => 1));
    expect(
      completions.every((c) => c.status === 'completed' && c.answer?.content === completions[0]!.answer?.content),
    ).toBe(true);
    const calls = (await simRequests(stack.sim.url)).filter((r) => r.last_user_text === question);
    expect(calls).toHaveLength(1);
    const payers = completions.filter((c) => c.usage.output_tokens > 0);
    expect(payers).toHaveLength(1);
    expect(completions.filter((c) => c.cost.usd === 0 && c.cost.saved_usd > 0)).toHaveLength(49);
  });
});

describe('llm-worker with the simulator injecting 30% 429/500 errors', () => {
  const tenant = `e2e-faults-${randomUUID().slice(0, 8)}`;
  const { driver, stack } = stackForSuite({
    simEnv: { SIM_FAULT_RATE: '0.3', SIM_FAULT_KINDS: '429,500', SIM_RETRY_AFTER_SECONDS: '1' },
    // No PROVIDER_SIMULATOR: the worker must recognise the simulator by itself.
    workerEnv: {
      PROVIDER_SIMULATOR: 'false',
      RETRY_MAX_ATTEMPTS: '4',
      RETRY_BASE_DELAY_MS: '100',
      RETRY_MAX_DELAY_MS: '1000',
      RETRY_MAX_TOTAL_MS: '20000',
    },
  });

  it('ends every miss completed or failed with a reason: none lost, none duplicated', async () => {
    const misses = Array.from({ length: 40 }, (_, i) => {
      const question = `Question ${i} about shipping ${randomUUID()}`;
      return makeMiss(
        tenant,
        {
          provider: i % 2 ? 'openai' : 'anthropic',
          model: i % 2 ? 'gpt-4.1-mini' : 'claude-sonnet-4-6',
          messages: [{ role: 'user', content: question }],
          params: { max_tokens: 32 },
        },
        question,
      );
    });
    await driver.send(misses);
    const ids = misses.map((m) => m.value.request_id);
    const completions = await driver.await(ids, 110_000);
    await sleep(1000);
    expect(ids.map((id) => driver.countFor(id))).toEqual(ids.map(() => 1));
    for (const c of completions) {
      if (c.status === 'completed') {
        expect(c.answer?.content.length).toBeGreaterThan(0);
        expect(c.answer?.simulated).toBe(true);
        expect(c.error).toBeNull();
      } else {
        expect(c.error?.code).toMatch(/^(rate_limited|provider_server_error|provider_unavailable)$/);
        expect(c.error?.message.length).toBeGreaterThan(0);
        expect(c.answer).toBeNull();
        expect(c.complete).toBe(false);
      }
    }
    const records = await simRequests(stack.sim.url);
    expect(records.some((r) => r.fault !== null)).toBe(true); // faults really were injected
    // Each completed miss made exactly one successful provider call: nothing was answered twice.
    const succeeded = records.filter((r) => r.status === 200 && r.last_user_text?.includes('about shipping'));
    expect(succeeded).toHaveLength(completions.filter((c) => c.status === 'completed').length);
    expect(completions.filter((c) => c.status === 'completed').length).toBeGreaterThan(30);

    const metrics = await (await fetch(`${stack.worker.url}/metrics`)).text();
    const total = (name: string) =>
      metrics
        .split('\n')
        .filter((l) => l.startsWith(name))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect(total('deja_llm_retries_total')).toBeGreaterThan(0);
    expect(total('deja_llm_provider_errors_total{')).toBeGreaterThanOrEqual(
      records.filter((r) => r.fault !== null).length,
    );
    expect(total('deja_llm_completions_total{')).toBeGreaterThanOrEqual(40); // other suites' misses may reach this worker too
    expect(total('deja_llm_tokens_total{')).toBeGreaterThan(0);
    expect(total('deja_llm_cost_usd_total{')).toBeGreaterThan(0);
  });
});
