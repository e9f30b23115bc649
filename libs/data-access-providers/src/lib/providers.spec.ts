import type { ChatRequest } from '@deja/contracts';
import { getModel } from '@deja/util-model-catalog';
import { shapeAnthropicRequest, shapeOpenAIRequest } from '@deja/util-prompt-cache';
import { AnthropicProviderClient } from './anthropic.provider';
import { OpenAIProviderClient } from './openai.provider';
import { ProviderError, ProviderErrorCode, retryAfterMs } from './providers.exception';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

function fakeFetch(replies: Reply[]): { fetch: typeof fetch; calls: () => number; bodies: unknown[] } {
  let calls = 0;
  const bodies: unknown[] = [];
  const fn = async (_url: unknown, init?: RequestInit): Promise<Response> => {
    calls++;
    bodies.push(JSON.parse(String(init?.body ?? 'null')));
    const reply = replies[Math.min(calls - 1, replies.length - 1)]!;
    if (reply === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        );
      });
    }
    return new Response(JSON.stringify(reply.body ?? {}), {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  };
  return { fetch: fn as typeof fetch, calls: () => calls, bodies };
}

const openaiReq: ChatRequest = {
  provider: 'openai',
  model: 'gpt-4.1',
  messages: [{ role: 'user', content: 'hi' }],
  params: {},
};
const anthropicReq: ChatRequest = { ...openaiReq, provider: 'anthropic', model: 'claude-sonnet-4-6' };
const shapedOpenAI = shapeOpenAIRequest(openaiReq, { facts: getModel('gpt-4.1'), tenant: 'acme' });
const shapedAnthropic = shapeAnthropicRequest(anthropicReq, {
  facts: getModel('claude-sonnet-4-6'),
  defaultMaxTokens: 256,
});

const completion = (fingerprint = 'fp_real') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4.1',
  system_fingerprint: fingerprint,
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: 2000,
    completion_tokens: 12,
    total_tokens: 2012,
    prompt_tokens_details: { cached_tokens: 1536 },
  },
});
const message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-6',
  stop_reason: 'end_turn',
  stop_sequence: null,
  content: [
    { type: 'text', text: 'hel' },
    { type: 'text', text: 'lo' },
    { type: 'tool_use', id: 'tu_1', name: 'search', input: { q: 'x' } },
  ],
  usage: { input_tokens: 20, cache_creation_input_tokens: 1500, cache_read_input_tokens: 3000, output_tokens: 7 },
};

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(e)}`);
  return e;
}

/** What the Anthropic client makes of one error answer in Anthropic's envelope. */
async function anthropicFailure(status: number, type: string, message: string) {
  const f = fakeFetch([{ status, body: { type: 'error', error: { type, message } } }]);
  const e = await failure(
    new AnthropicProviderClient({ apiKey: 'k', timeoutMs: 1000, fetch: f.fetch }).send(shapedAnthropic),
  );
  return { f, e };
}

describe('OpenAIProviderClient', () => {
  it('normalises usage: input is prompt tokens minus cached tokens', async () => {
    const f = fakeFetch([{ status: 200, body: completion() }]);
    const res = await new OpenAIProviderClient({ apiKey: 'k', timeoutMs: 1000, fetch: f.fetch }).send(shapedOpenAI);
    expect(res.usage).toEqual({ input_tokens: 464, cache_write_tokens: 0, cache_read_tokens: 1536, output_tokens: 12 });
    expect(res.answer).toEqual({ content: 'hello', finish_reason: 'stop', simulated: false });
    expect(f.bodies[0]).toMatchObject({ prompt_cache_key: shapedOpenAI.promptCacheKey });
  });

  it('marks answers from the Deja simulator (its system_fingerprint) as simulated', async () => {
    const f = fakeFetch([{ status: 200, body: completion('fp_deja_sim') }]);
    const res = await new OpenAIProviderClient({ apiKey: 'k', timeoutMs: 1000, fetch: f.fetch }).send(shapedOpenAI);
    expect(res.answer.simulated).toBe(true);
  });

  it('classifies a 429 as retriable rate limiting with its retry-after, and does not retry itself', async () => {
    const f = fakeFetch([{ status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '2' } }]);
    const e = await failure(
      new OpenAIProviderClient({ apiKey: 'k', timeoutMs: 1000, fetch: f.fetch }).send(shapedOpenAI),
    );
    expect([e.code, e.retriable, e.retryAfterMs, e.status]).toEqual([ProviderErrorCode.RateLimited, true, 2000, 429]);
    expect(f.calls()).toBe(1);
  });

  it.each([
    [500, ProviderErrorCode.ServerError, true],
    [502, ProviderErrorCode.ServerError, true],
    [503, ProviderErrorCode.Overloaded, true],
    [504, ProviderErrorCode.ServerError, true],
    [400, ProviderErrorCode.InvalidRequest, false],
    [401, ProviderErrorCode.Authentication, false],
    [403, ProviderErrorCode.Authentication, false],
    [404, ProviderErrorCode.NotFound, false],
    [422, ProviderErrorCode.InvalidRequest, false],
  ])('classifies HTTP %i as %s (retriable: %s)', async (status, code, retriable) => {
    const f = fakeFetch([{ status, body: { error: { message: 'x' } } }]);
    const e = await failure(
      new OpenAIProviderClient({ apiKey: 'k', timeoutMs: 1000, fetch: f.fetch }).send(shapedOpenAI),
    );
    expect([e.code, e.retriable]).toEqual([code, retriable]);
    expect(f.calls()).toBe(1);
  });

  it("keeps OpenAI's error as sent: status, type, code, param and its message without the SDK's prefix", async () => {
    const body = {
      error: {
        message: 'The model `gpt-9` does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    };
    const f = fakeFetch([{ status: 404, body }]);
    const e = await failure(
      new OpenAIProviderClient({ apiKey: 'k', timeoutMs: 1000, fetch: f.fetch }).send(shapedOpenAI),
    );
    expect(e.details.fault).toEqual({ status: 404, ...body.error, retry_after_ms: null });
  });

  it("keeps a 429's retry-after in the provider fault", async () => {
    const f = fakeFetch([
      {
        status: 429,
        body: { error: { message: 'slow', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
        headers: { 'retry-after': '7' },
      },
    ]);
    const e = await failure(
      new OpenAIProviderClient({ apiKey: 'k', timeoutMs: 1000, fetch: f.fetch }).send(shapedOpenAI),
    );
    expect(e.details.fault).toMatchObject({ status: 429, code: 'rate_limit_exceeded', retry_after_ms: 7000 });
  });

  it('turns a call that outlives the timeout into a retriable provider_timeout', async () => {
    const f = fakeFetch(['hang']);
    const e = await failure(
      new OpenAIProviderClient({ apiKey: 'k', timeoutMs: 50, fetch: f.fetch }).send(shapedOpenAI),
    );
    expect([e.code, e.retriable]).toEqual([ProviderErrorCode.Timeout, true]);
  });
});

describe('AnthropicProviderClient', () => {
  it('maps usage one to one, joins text blocks and returns tool calls', async () => {
    const f = fakeFetch([{ status: 200, body: message }]);
    const res = await new AnthropicProviderClient({ apiKey: 'k', timeoutMs: 1000, fetch: f.fetch }).send(
      shapedAnthropic,
    );
    expect(res.usage).toMatchObject({
      input_tokens: 20,
      cache_write_tokens: 1500,
      cache_read_tokens: 3000,
      output_tokens: 7,
    });
    expect(res.answer).toEqual({
      content: 'hello',
      finish_reason: 'end_turn',
      simulated: false,
      tool_calls: [{ id: 'tu_1', name: 'search', arguments: '{"q":"x"}' }],
    });
    expect(f.bodies[0]).toMatchObject({ model: 'claude-sonnet-4-6', max_tokens: 256 });
  });

  it('classifies 529 overloaded as retriable', async () => {
    const { f, e } = await anthropicFailure(529, 'overloaded_error', 'busy');
    expect([e.code, e.retriable]).toEqual([ProviderErrorCode.Overloaded, true]);
    expect(f.calls()).toBe(1);
  });

  it("keeps Anthropic's error envelope as sent: status, error.type and message", async () => {
    const { e } = await anthropicFailure(404, 'not_found_error', 'model: claude-x');
    expect([e.code, e.retriable]).toEqual([ProviderErrorCode.NotFound, false]);
    expect(e.details.fault).toEqual({
      status: 404,
      type: 'not_found_error',
      code: null,
      param: null,
      message: 'model: claude-x',
      retry_after_ms: null,
    });
  });

  it('marks every answer of a simulator endpoint as simulated', async () => {
    const f = fakeFetch([{ status: 200, body: message }]);
    const res = await new AnthropicProviderClient({
      apiKey: 'k',
      timeoutMs: 1000,
      fetch: f.fetch,
      simulated: true,
    }).send(shapedAnthropic);
    expect(res.answer.simulated).toBe(true);
  });
});

describe('retryAfterMs', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('reads seconds, retry-after-ms and HTTP dates, and caps silly values', () => {
    expect(retryAfterMs(h({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(h({ 'retry-after-ms': '250', 'retry-after': '3' }))).toBe(250);
    expect(retryAfterMs(h({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(h({ 'retry-after': '999999' }))).toBe(600_000);
    expect(retryAfterMs(h({}))).toBeUndefined();
  });
});
