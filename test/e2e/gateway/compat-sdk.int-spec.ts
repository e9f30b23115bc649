import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { http, keepOffKafka, lastUserText, startStack, type GatewayStack } from './harness';

/**
 * The official SDKs, pointed at the gateway, must work unchanged: non-streaming and streaming,
 * with the cache decision readable from the raw response headers.
 */
describe('OpenAI- and Anthropic-compatible endpoints with the official SDKs', () => {
  let s: GatewayStack;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    s = await startStack({ compatWaitSeconds: 4 });
    openai = new OpenAI({ apiKey: s.keys.main.key, baseURL: `${s.a.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: s.keys.main.key, baseURL: s.b.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const request = (text: string) => s.pipeline.waitForRequest((r) => lastUserText(r) === text);

  it('OpenAI SDK: a miss returns the answer, provider-format usage and x-deja headers', async () => {
    const text = `What is 2+2? ${Date.now()}`;
    const { data, response } = await openai.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: text },
        ],
        temperature: 0,
      })
      .withResponse();
    expect(data.choices[0].message.content).toBe(`answer to: ${text}`);
    expect(data.choices[0].finish_reason).toBe('stop');
    expect(data.object).toBe('chat.completion');
    expect(data.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 12,
      total_tokens: 112,
      prompt_tokens_details: { cached_tokens: 60 },
    });
    expect(response.headers.get('x-deja-cache')).toBe('miss');
    expect(response.headers.get('x-deja-tier')).toBe('none');
    const req = await request(text);
    expect(req.request).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      system: 'Be brief.',
      params: { temperature: 0 },
    });
  });

  it('OpenAI SDK: a hit reports zero usage and says hit, tier, similarity, entry and saved usd', async () => {
    const text = `HIT refund policy ${Date.now()}`;
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe(`cached answer to: ${text}`);
    expect(data.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(response.headers.get('x-deja-cache')).toBe('hit');
    expect(response.headers.get('x-deja-tier')).toBe('semantic');
    expect(response.headers.get('x-deja-similarity')).toBe('0.9712');
    expect(response.headers.get('x-deja-entry')).toBe('entry-42');
    expect(response.headers.get('x-deja-saved-usd')).toBe('0.000400');
  });

  it('OpenAI SDK: streams the answer as chunks ending with usage, with the cache headers', async () => {
    const text = `HIT stream me ${Date.now()}`;
    const { data: stream, response } = await openai.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: text }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(response.headers.get('x-deja-cache')).toBe('hit');
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    let content = '';
    let finish: string | null = null;
    let usage: unknown;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(content).toBe(`cached answer to: ${text}`);
    expect(chunks).toBeGreaterThan(3);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0 });
  });

  it('OpenAI SDK: the stream helper assembles the same final completion', async () => {
    const text = `Assemble ${Date.now()}`;
    const final = await openai.chat.completions
      .stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] })
      .finalChatCompletion();
    expect(final.choices[0].message.content).toBe(`answer to: ${text}`);
  });

  it('OpenAI SDK: deja options in the body and Cache-Control headers reach the pipeline, stripped from the request', async () => {
    const text = `Options ${Date.now()}`;
    const body = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: text }],
      deja: { namespace: 'support', threshold: 0.95, user: 'u-1', personal: true },
    };
    await openai.chat.completions.create(body, { headers: { 'Cache-Control': 'no-store, max-age=3600' } });
    const req = await request(text);
    expect(req.cache).toMatchObject({
      namespace: 'support',
      threshold: 0.95,
      user: 'u-1',
      personal: true,
      store: false,
      lookup: true,
      ttl_seconds: 3600,
    });
    expect(JSON.stringify(req.request)).not.toContain('support');
    await openai.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${text} again` }] },
      { headers: { 'Cache-Control': 'no-cache' } },
    );
    expect((await request(`${text} again`)).cache).toMatchObject({ lookup: false, store: true });
  });

  it('OpenAI SDK: a failed pipeline result surfaces as an API error (502) with a clear message', async () => {
    const err = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `FAIL ${Date.now()}` }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as Error).message).toContain('simulated provider failure');
  });

  it("OpenAI SDK: a provider's 404 arrives as NotFoundError with the provider's fields, and the SDK's default retries do not fire", async () => {
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const defaults = new OpenAI({ apiKey: s.keys.main.key, baseURL: `${s.a.url}/v1`, fetch: counting });
    const err = await defaults.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `NOTFOUND ${Date.now()}` }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const e = err as InstanceType<typeof OpenAI.NotFoundError>;
    expect([e.status, e.type, e.code, e.param]).toEqual([404, 'invalid_request_error', 'model_not_found', 'model']);
    expect(e.error).toMatchObject({ deja_code: 'model_not_found', job_id: expect.any(String) });
    expect(e.headers.get('x-should-retry')).toBe('false');

    const failed = await defaults.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `FAIL ${Date.now()}` }] })
      .catch((x: unknown) => x);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect(attempts).toBe(2);
  });

  it('answers 504 with the job id when no result comes in time, and the job stays readable', async () => {
    const restore = keepOffKafka(s.a);
    const res = await http('POST', `${s.a.url}/v1/chat/completions`, {
      key: s.keys.main.key,
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `IGNORE ${Date.now()}` }] },
    }).finally(restore);
    expect(res.status).toBe(504);
    const jobId = (res.body['error'] as Record<string, unknown>)['job_id'] as string;
    expect(res.body).toMatchObject({
      error: { type: 'server_error', code: 'timeout', message: expect.stringContaining(`/v1/jobs/${jobId}`) },
    });
    expect((await http('GET', `${s.b.url}/v1/jobs/${jobId}`, { key: s.keys.main.key })).body['status']).toBe('queued');
  });

  it('Anthropic SDK: a miss returns the message with Anthropic usage fields and x-deja headers; cache_control blocks arrive cacheable', async () => {
    const text = `Vacation days? ${Date.now()}`;
    const { data, response } = await anthropic.messages
      .create({
        model: 'claude-sonnet-4-6',
        max_tokens: 200,
        system: [
          { type: 'text', text: 'Answer from the handbook.' },
          { type: 'text', text: 'HANDBOOK: 25 days of vacation.', cache_control: { type: 'ephemeral' } },
        ],
        messages: [{ role: 'user', content: text }],
      })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.content).toEqual([{ type: 'text', text: `answer to: ${text}` }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage).toMatchObject({
      input_tokens: 40,
      cache_read_input_tokens: 60,
      cache_creation_input_tokens: 0,
      output_tokens: 12,
    });
    expect(response.headers.get('x-deja-cache')).toBe('miss');
    const req = await request(text);
    expect(req.request).toMatchObject({
      provider: 'anthropic',
      system: [
        { type: 'text', text: 'Answer from the handbook.' },
        { type: 'text', text: 'HANDBOOK: 25 days of vacation.', cacheable: true },
      ],
      params: { max_tokens: 200 },
    });
  });

  it('Anthropic SDK: a hit reports zero usage and the hit headers', async () => {
    const text = `HIT anthropic ${Date.now()}`;
    const { data, response } = await anthropic.messages
      .create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: text }] })
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: `cached answer to: ${text}` }]);
    expect(data.usage).toMatchObject({
      input_tokens: 0,
      output_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
    expect(response.headers.get('x-deja-cache')).toBe('hit');
    expect(response.headers.get('x-deja-entry')).toBe('entry-42');
  });

  it('Anthropic SDK: streams message_start … message_stop that the SDK assembles into the message, with headers', async () => {
    const text = `HIT anthropic stream ${Date.now()}`;
    const { data: stream, response } = await anthropic.messages
      .create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: text }], stream: true })
      .withResponse();
    expect(response.headers.get('x-deja-cache')).toBe('hit');
    const types: string[] = [];
    let textOut = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') textOut += event.delta.text;
    }
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(textOut).toBe(`cached answer to: ${text}`);

    const final = await anthropic.messages
      .stream({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: `Helper ${text}` }] })
      .finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: `answer to: Helper ${text}` }]);
    expect(final.stop_reason).toBe('end_turn');
  });

  it('Anthropic SDK: errors come back in Anthropic format (400 for a missing max_tokens, 401 for a bad key)', async () => {
    const bad = await http('POST', `${s.b.url}/v1/messages`, {
      headers: { 'x-api-key': s.keys.main.key },
      body: { model: 'c', messages: [{ role: 'user', content: 'x' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', deja_code: 'invalid_request', issues: [{ path: 'max_tokens' }] },
    });
    const stranger = new Anthropic({ apiKey: 'dj_unknown', baseURL: s.b.url, maxRetries: 0 });
    const err = await stranger.messages
      .create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
  });
});
