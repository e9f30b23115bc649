import Anthropic from '@anthropic-ai/sdk';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SimClock, simulatorConfig, textOfTokens, type SimulatorConfig } from '@deja/feature-provider-simulator';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import request from 'supertest';
import { AppModule } from './app.module';

/**
 * Drives the simulator app over HTTP with the OFFICIAL SDKs, unchanged, pointed at it by
 * `baseURL` — the same way the LLM worker will use it.
 */
const LONG_SYSTEM = textOfTokens(4000);

async function start(overrides: Partial<SimulatorConfig> = {}, clock = SimClock.manual()) {
  const config = simulatorConfig({ PORT: 0, SIM_LATENCY_SCALE: 0, ...overrides });
  const app = await NestFactory.create(AppModule.register({ config, clock }), { bodyParser: false, logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    clock,
    url,
    openai: new OpenAI({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0 }),
    anthropic: new Anthropic({ apiKey: 'sk-ant-test', baseURL: url, maxRetries: 0 }),
  };
}

describe('provider simulator app with the official SDKs', () => {
  let sim: Awaited<ReturnType<typeof start>>;
  let app: INestApplication;

  beforeAll(async () => {
    sim = await start();
    app = sim.app;
  });
  afterAll(() => app.close());

  describe('OpenAI', () => {
    it('answers a chat completion deterministically, echoing the last user question', async () => {
      const ask = () =>
        sim.openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'What is Deja?' }],
        });
      const [a, b] = [await ask(), await ask()];
      expect(a.choices[0]?.message.content).toMatch(/^Simulated answer to: What is Deja\? \[sim:[0-9a-f]{8}\]$/);
      expect(b.choices[0]?.message.content).toBe(a.choices[0]?.message.content);
      expect(a.choices[0]?.finish_reason).toBe('stop');
      expect(a.usage?.total_tokens).toBe((a.usage?.prompt_tokens ?? 0) + (a.usage?.completion_tokens ?? 0));
    });

    it('streams chunks ending with a usage chunk when stream_options.include_usage is set', async () => {
      const stream = await sim.openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Stream please?' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      const chunks = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        text += chunk.choices[0]?.delta.content ?? '';
      }
      expect(text).toMatch(/^Simulated answer to: Stream please\?/);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
      expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
      expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    });

    it('sends no usage chunk without include_usage', async () => {
      const stream = await sim.openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.some((c) => c.usage)).toBe(false);
    });

    it('reports cached tokens on the second long prompt with a different question', async () => {
      const ask = (q: string) =>
        sim.openai.chat.completions.create({
          model: 'gpt-4o',
          messages: [
            { role: 'system', content: LONG_SYSTEM },
            { role: 'user', content: q },
          ],
        });
      const first = await ask('What is the refund policy?');
      const second = await ask('How do I reset my password?');
      expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
      const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
      expect(cached).toBeGreaterThanOrEqual(3968);
      expect(cached % 128).toBe(0);
      expect(second.choices[0]?.message.content).not.toBe(first.choices[0]?.message.content);
    });

    it('returns deterministic embeddings of 1536 dimensions, or of `dimensions`', async () => {
      const a = await sim.openai.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['Celsius to Fahrenheit', 'Celsius to Fahrenheit'],
      });
      expect(a.data).toHaveLength(2);
      expect(a.data[0]?.embedding).toHaveLength(1536);
      expect(a.data[0]?.embedding).toEqual(a.data[1]?.embedding);
      const norm = Math.hypot(...(a.data[0]?.embedding ?? []));
      expect(norm).toBeCloseTo(1, 5);
      const short = await sim.openai.embeddings.create({
        model: 'text-embedding-3-small',
        input: 'hello',
        dimensions: 256,
      });
      expect(short.data[0]?.embedding).toHaveLength(256);
    });

    it('lists its models', async () => {
      const ids = [];
      for await (const m of sim.openai.models.list()) ids.push(m.id);
      expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-5-mini', 'text-embedding-3-small']));
    });

    it('answers an unknown model with 404 model_not_found', async () => {
      await expect(
        sim.openai.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toMatchObject({
        status: 404,
        code: 'model_not_found',
      });
    });
  });

  describe('Anthropic', () => {
    it('answers a message deterministically', async () => {
      const msg = await sim.anthropic.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 200,
        messages: [{ role: 'user', content: 'What is Deja?' }],
      });
      expect(msg.content[0]).toMatchObject({
        type: 'text',
        text: expect.stringMatching(/^Simulated answer to: What is Deja\?/),
      });
      expect(msg.stop_reason).toBe('end_turn');
      expect(msg.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    });

    it('streams the documented event sequence and the SDK assembles the same message', async () => {
      const params = {
        model: 'claude-haiku-4-5',
        max_tokens: 200,
        messages: [{ role: 'user' as const, content: 'Stream it?' }],
      };
      const stream = sim.anthropic.messages.stream(params);
      const events: string[] = [];
      stream.on('streamEvent', (e) => events.push(e.type));
      const final = await stream.finalMessage();
      const once = await sim.anthropic.messages.create(params);
      expect(events[0]).toBe('message_start');
      expect(events.slice(1, 3)).toEqual(['content_block_start', 'content_block_delta']);
      expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
      expect(final.content).toEqual(once.content);
      expect(final.usage.output_tokens).toBe(once.usage.output_tokens);
      expect(final.stop_reason).toBe('end_turn');
    });

    it('writes then reads a 4,000-token system prompt marked with cache_control', async () => {
      const ask = (q: string) =>
        sim.anthropic.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 300,
          system: [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral' } }],
          messages: [{ role: 'user', content: q }],
        });
      const first = await ask('What is the refund policy?');
      const second = await ask('How do I reset my password?');
      expect(first.usage.cache_creation_input_tokens).toBe(4000);
      expect(first.usage.cache_read_input_tokens).toBe(0);
      expect(second.usage.cache_read_input_tokens).toBe(4000);
      expect(second.usage.cache_creation_input_tokens).toBe(0);
      expect(second.usage.input_tokens).toBeLessThan(50);
    });

    it('reports cache reads in a streamed message too', async () => {
      const params = {
        model: 'claude-opus-4-1',
        max_tokens: 300,
        system: [
          {
            type: 'text' as const,
            text: LONG_SYSTEM,
            cache_control: { type: 'ephemeral' as const, ttl: '1h' as const },
          },
        ],
        messages: [{ role: 'user' as const, content: 'one' }],
      };
      const first = await sim.anthropic.messages.stream(params).finalMessage();
      const second = await sim.anthropic.messages
        .stream({ ...params, messages: [{ role: 'user', content: 'two' }] })
        .finalMessage();
      expect(first.usage.cache_creation?.ephemeral_1h_input_tokens).toBe(4000);
      expect(second.usage.cache_read_input_tokens).toBe(4000);
    });

    it('rejects five cache_control breakpoints with a 400 invalid_request_error', async () => {
      const system = Array.from({ length: 5 }, (_, i) => ({
        type: 'text' as const,
        text: `part ${i}`,
        cache_control: { type: 'ephemeral' as const },
      }));
      await expect(
        sim.anthropic.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 10,
          system,
          messages: [{ role: 'user', content: 'x' }],
        }),
      ).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    });

    it('counts tokens', async () => {
      const r = await sim.anthropic.messages.countTokens({
        model: 'claude-sonnet-4-6',
        system: LONG_SYSTEM,
        messages: [{ role: 'user', content: 'q' }],
      });
      expect(r.input_tokens).toBeGreaterThan(4000);
    });
  });

  describe('faults, by header', () => {
    it('answers x-sim-fault: 429 with retry-after, in each provider format', async () => {
      const o = await request(sim.url)
        .post('/v1/chat/completions')
        .set('authorization', 'Bearer k')
        .set('x-sim-fault', '429')
        .send({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
      expect(o.status).toBe(429);
      expect(o.headers['retry-after']).toBe('1');
      expect(o.body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
      await expect(
        sim.anthropic.messages.create(
          { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
          { headers: { 'x-sim-fault': '429' } },
        ),
      ).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    });

    it('answers 529 overloaded_error to Anthropic clients and 503 to OpenAI clients', async () => {
      await expect(
        sim.anthropic.messages.create(
          { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
          { headers: { 'x-sim-fault': '529' } },
        ),
      ).rejects.toMatchObject({ status: 529, error: { error: { type: 'overloaded_error' } } });
      await expect(
        sim.openai.chat.completions.create(
          { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
          { headers: { 'x-sim-fault': '529' } },
        ),
      ).rejects.toMatchObject({ status: 503 });
    });

    it('holds a timeout fault until the client gives up', async () => {
      const started = Date.now();
      await expect(
        sim.openai.chat.completions.create(
          { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
          { headers: { 'x-sim-fault': 'timeout' }, timeout: 300 },
        ),
        // Under Jest's sandboxed globals the SDK cannot tell its own abort from a dropped
        // connection, so it reports the parent class; the elapsed time shows it was the timeout.
      ).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      const { body } = await request(sim.url).get('/_sim/requests');
      expect(body.requests.at(-1)).toMatchObject({ fault: 'timeout', status: null });
    });

    it('drops a cut stream halfway, so the client sees an error and never a final message', async () => {
      const stream = sim.anthropic.messages.stream(
        { model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'cut me' }] },
        { headers: { 'x-sim-fault': 'cut' } },
      );
      await expect(stream.finalMessage()).rejects.toThrow();
    });
  });

  describe('request log and hooks', () => {
    it('records requests with model, prompt hash, last user text and usage', async () => {
      const { body: before } = await request(sim.url).get('/_sim/requests');
      await sim.openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Log me' }],
      });
      const { body } = await request(sim.url).get(`/_sim/requests?since=${before.last_seq}`);
      expect(body.requests).toHaveLength(1);
      expect(body.requests[0]).toMatchObject({
        path: '/v1/chat/completions',
        model: 'gpt-4o-mini',
        last_user_text: 'Log me',
        status: 200,
        prompt_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        usage: { prompt_tokens: expect.any(Number) },
      });
      const stats = await request(sim.url).get('/_sim/stats');
      expect(stats.body.requests).toBeGreaterThan(0);
    });

    it('clears the log but keeps sequence numbers growing', async () => {
      const { body: before } = await request(sim.url).get('/_sim/requests');
      await request(sim.url).delete('/_sim/requests').expect(204);
      const { body: after } = await request(sim.url).get('/_sim/requests');
      expect(after.requests).toEqual([]);
      expect(after.last_seq).toBe(before.last_seq);
      expect((await request(sim.url).get('/_sim/stats')).body.requests).toBe(0);
    });

    it('answers /health', async () => {
      await request(sim.url).get('/health').expect(200, { status: 'ok' });
    });
  });
});

describe('provider simulator clock and configured faults', () => {
  it('expires a 5-minute Anthropic entry when the clock advances past it', async () => {
    const sim = await start();
    try {
      const ask = () =>
        sim.anthropic.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 50,
          system: [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral' } }],
          messages: [{ role: 'user', content: 'q' }],
        });
      await ask();
      sim.clock.advance(5 * 60_000 + 1);
      const later = await ask();
      expect(later.usage.cache_read_input_tokens).toBe(0);
      expect(later.usage.cache_creation_input_tokens).toBe(4000);
    } finally {
      await sim.app.close();
    }
  });

  it('injects the same faults in the same order when SIM_SEED is set', async () => {
    const run = async () => {
      const sim = await start({ SIM_FAULT_RATE: 0.5, SIM_FAULT_KINDS: ['429', '500'], SIM_SEED: 'abc' });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
          const r = await request(sim.url)
            .post('/v1/chat/completions')
            .set('authorization', 'Bearer k')
            .send({ model: 'gpt-4o', messages: [{ role: 'user', content: `q${i}` }] });
          statuses.push(r.status);
        }
        return statuses;
      } finally {
        await sim.app.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.some((s) => s !== 200)).toBe(true);
    expect(first.some((s) => s === 200)).toBe(true);
  });
});

describe('provider simulator latency and validation', () => {
  it('gives a cached prompt a shorter time to first token and a slow fault an extra delay', async () => {
    const sim = await start({ SIM_LATENCY_SCALE: 0.05, SIM_SLOW_EXTRA_MS: 150 });
    try {
      const ask = (q: string, headers: Record<string, string> = {}) =>
        sim.openai.chat.completions.create(
          {
            model: 'gpt-5-mini',
            messages: [
              { role: 'system', content: LONG_SYSTEM },
              { role: 'user', content: q },
            ],
          },
          { headers },
        );
      await ask('first');
      await ask('second');
      const started = Date.now();
      await ask('third', { 'x-sim-fault': 'slow' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      const { body } = await request(sim.url).get('/_sim/requests');
      const [cold, warm] = body.requests as Array<{ ttft_ms: number }>;
      expect(warm!.ttft_ms).toBeLessThan(cold!.ttft_ms / 2);
    } finally {
      await sim.app.close();
    }
  });

  it('requires an API key and, for Anthropic, the anthropic-version header', async () => {
    const sim = await start();
    try {
      const body = { model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
      const noKey = await request(sim.url).post('/v1/messages').set('anthropic-version', '2023-06-01').send(body);
      expect(noKey.status).toBe(401);
      expect(noKey.body.error.type).toBe('authentication_error');
      const noVersion = await request(sim.url).post('/v1/messages').set('x-api-key', 'k').send(body);
      expect(noVersion.status).toBe(400);
      expect(noVersion.body.error.message).toMatch(/anthropic-version/);
      const openai = await request(sim.url).post('/v1/chat/completions').send({ model: 'gpt-4o', messages: [] });
      expect(openai.status).toBe(401);
      expect(openai.body.error.code).toBe('invalid_api_key');
      const missing = await request(sim.url)
        .post('/v1/messages')
        .set('x-api-key', 'k')
        .set('anthropic-version', '2023-06-01')
        .send({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toMatch(/^max_tokens:/);
    } finally {
      await sim.app.close();
    }
  });
});
