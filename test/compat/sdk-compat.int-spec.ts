import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import Ajv from 'ajv';
import OpenAI from 'openai';
import { startProviderSimulator, type RunningSimulator } from '@deja/feature-provider-simulator';
import { EmbeddedDeja, freePort, providersAt } from '../integration/embedded/embedded-process';
import { FaultProxy } from './fault-proxy';

const ROOT = join(__dirname, '..', '..');
/** The Python SDK versions the suite installs (those of the report), into a venv under tmp/. */
const PYTHON_SDKS = ['openai==3.57.0', 'anthropic==2.16.0'];
const VENV = join(ROOT, 'tmp', 'compat-python-venv');
const VENV_PYTHON = join(VENV, 'bin', 'python');

/**
 * A virtualenv with the official Python SDKs, installed from PyPI with pip on first use and
 * reused afterwards. A machine without python3 or without access to PyPI fails here, saying so.
 */
function pythonWithSdks(): string {
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000 });
  const ready = () =>
    existsSync(VENV_PYTHON) &&
    run(VENV_PYTHON, [
      '-c',
      'import openai, anthropic; print(openai.__version__, anthropic.__version__)',
    ]).stdout.trim() === PYTHON_SDKS.map((p) => p.split('==')[1]).join(' ');
  if (ready()) return VENV_PYTHON;
  const venv = run('python3', ['-m', 'venv', VENV]);
  if (venv.status !== 0)
    throw new Error(
      `python3 -m venv failed (install python3 with venv to run the Python SDK half): ${venv.stderr ?? venv.error}`,
    );
  const pip = run(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', ...PYTHON_SDKS]);
  if (pip.status !== 0 || !ready())
    throw new Error(`pip install ${PYTHON_SDKS.join(' ')} failed (needs PyPI): ${pip.stderr}`);
  return VENV_PYTHON;
}

/**
 * The compatibility suite: the official Node SDKs, unchanged but for their base URL, against a
 * running Deja (embedded mode) whose providers are the simulator behind a fault-injecting proxy.
 * Non-streaming, streaming, tools, structured output, model listing, token counting and every
 * error class, with the exception classes, `type` / `code` / `param` the SDKs expose, and proof
 * (counted attempts and provider calls) that the SDKs' default retries do not fire on a 4xx.
 */
describe('official SDKs against Deja (compatibility suite)', () => {
  const run = randomUUID().slice(0, 8);
  const dataDir = mkdtempSync(join(tmpdir(), 'deja-compat-'));
  const ajv = new Ajv({ strict: false });
  let sim: RunningSimulator;
  let proxy: FaultProxy;
  let deja: EmbeddedDeja;
  let attempts = 0;
  /** Counts every HTTP attempt an SDK makes, retries included. */
  const counting: typeof fetch = (input, init) => {
    attempts++;
    return fetch(input, init);
  };
  /** SDK clients with their default retry settings (2 retries), as users run them. */
  let openai: OpenAI;
  let anthropic: Anthropic;
  /** Clients that never retry, for retriable statuses (429, 5xx) whose retries would only slow the test. */
  let openaiOnce: OpenAI;
  let anthropicOnce: Anthropic;

  const q = (text: string) => `${text} (${run}-${randomUUID().slice(0, 6)})`;
  const weather = {
    type: 'object' as const,
    additionalProperties: false,
    required: ['city', 'unit'],
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['C', 'F'] } },
  };

  beforeAll(async () => {
    sim = await startProviderSimulator({ config: { SIM_LATENCY_SCALE: 0 }, logger: false });
    proxy = new FaultProxy(sim.url);
    await proxy.start();
    deja = new EmbeddedDeja(dataDir, await freePort(), providersAt(proxy.url));
    await deja.start();
    const apiKey = deja.apiKey;
    openai = new OpenAI({ apiKey, baseURL: `${deja.url}/v1`, fetch: counting });
    anthropic = new Anthropic({ apiKey, baseURL: deja.url, fetch: counting });
    openaiOnce = new OpenAI({ apiKey, baseURL: `${deja.url}/v1`, maxRetries: 0 });
    anthropicOnce = new Anthropic({ apiKey, baseURL: deja.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await deja?.stop();
    await proxy?.stop();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function failure(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e,
    );
  }

  describe('OpenAI SDK', () => {
    it('answers a miss, then the same question from the cache, with the x-deja headers', async () => {
      const text = q('What is the capital of France?');
      const first = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] })
        .withResponse();
      expect(first.data.choices[0]!.message.content).toContain('Simulated answer to:');
      expect(first.response.headers.get('x-deja-cache')).toBe('miss');
      const again = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] })
        .withResponse();
      expect(again.response.headers.get('x-deja-cache')).toBe('hit');
      expect(again.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
      expect(proxy.calls(text)).toHaveLength(1);
    });

    it('streams chunks that the SDK assembles into the answer', async () => {
      const text = q('Stream me a sentence');
      let content = '';
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: text }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
      expect(content).toContain('Simulated answer to:');
    });

    it('calls a forced tool with schema-valid arguments, streaming too', async () => {
      const tools = [
        { type: 'function' as const, function: { name: 'get_weather', parameters: weather, strict: true } },
      ];
      const text = q('Weather in Oslo?');
      const res = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: text }],
        tools,
        tool_choice: 'required',
      });
      const call = res.choices[0]!.message.tool_calls?.[0];
      expect(res.choices[0]!.finish_reason).toBe('tool_calls');
      expect(call?.type === 'function' && call.function.name).toBe('get_weather');
      const args = call?.type === 'function' ? (JSON.parse(call.function.arguments) as unknown) : undefined;
      expect(ajv.validate(weather, args)).toBe(true);
      // strict reached the provider: it is forwarded, not dropped.
      expect(proxy.calls(text)[0]!.body['tools']).toEqual([
        { type: 'function', function: { name: 'get_weather', parameters: expect.any(Object), strict: true } },
      ]);

      const final = await openai.chat.completions
        .stream({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: q('Weather in Bergen?') }],
          tools,
          tool_choice: { type: 'function', function: { name: 'get_weather' } },
        })
        .finalChatCompletion();
      const streamed = final.choices[0]!.message.tool_calls?.[0];
      expect(streamed?.type === 'function' && ajv.validate(weather, JSON.parse(streamed.function.arguments))).toBe(
        true,
      );
    });

    it('answers response_format json_schema with JSON of that schema', async () => {
      const res = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: q('Weather as JSON') }],
        response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: weather, strict: true } },
      });
      expect(ajv.validate(weather, JSON.parse(res.choices[0]!.message.content ?? 'null'))).toBe(true);
    });

    it('forwards reasoning_effort and scopes by it: a different effort is a different answer', async () => {
      const text = q('Plan a trip');
      const ask = (effort: 'low' | 'high') =>
        openai.chat.completions
          .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], reasoning_effort: effort })
          .withResponse();
      expect((await ask('low')).response.headers.get('x-deja-cache')).toBe('miss');
      expect((await ask('high')).response.headers.get('x-deja-cache')).toBe('miss');
      expect((await ask('high')).response.headers.get('x-deja-cache')).toBe('hit');
      expect(proxy.calls(text).map((c) => c.body['reasoning_effort'])).toEqual(['low', 'high']);
    });

    it('refuses a field it cannot honour with BadRequestError naming it, without retrying', async () => {
      attempts = 0;
      const err = await failure(
        openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: q('logprobs please') }],
          logprobs: true,
        }),
      );
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect([e.type, e.param, e.code]).toEqual(['invalid_request_error', 'logprobs', 'unsupported']);
      expect(attempts).toBe(1);
    });

    it.each([
      ['unknown model', 'gpt-9-imaginary', '', OpenAI.NotFoundError, 404, 'model_not_found'],
      ["provider's 400", 'gpt-4o-mini', '[fault:400]', OpenAI.BadRequestError, 400, 'invalid_value'],
      [
        "provider's 401 (Deja's provider key)",
        'gpt-4o-mini',
        '[fault:401]',
        OpenAI.AuthenticationError,
        401,
        'invalid_api_key',
      ],
      ["provider's 403", 'gpt-4o-mini', '[fault:403]', OpenAI.PermissionDeniedError, 403, 'model_not_allowed'],
    ])(
      "passes a provider's 4xx on as sent (%s): %s, its code, x-should-retry false, one attempt",
      async (_name, model, marker, errorClass, status, code) => {
        const text = q(`four-oh-x ${marker}`);
        attempts = 0;
        const err = await failure(
          openai.chat.completions.create({ model, messages: [{ role: 'user', content: text }] }),
        );
        expect(err).toBeInstanceOf(errorClass);
        const e = err as InstanceType<typeof OpenAI.APIError>;
        expect([e.status, e.code]).toEqual([status, code]);
        expect(e.headers?.get('x-should-retry')).toBe('false');
        expect(e.error).toMatchObject({ deja_code: expect.any(String), job_id: expect.any(String) });
        expect(attempts).toBe(1);
        expect(proxy.calls(text)).toHaveLength(1);
      },
    );

    it("passes a provider's 400 param on", async () => {
      const err = await failure(
        openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: q('bad temperature [fault:400]') }],
        }),
      );
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature');
    });

    it("passes a provider's 429 on as RateLimitError with its retry-after, and a 500 as InternalServerError", async () => {
      const limited = await failure(
        openaiOnce.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: q('busy [fault:429]') }],
        }),
      );
      expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
      const l = limited as InstanceType<typeof OpenAI.RateLimitError>;
      expect([l.code, l.headers?.get('retry-after')]).toEqual(['rate_limit_exceeded', '1']);
      expect(l.headers?.get('x-should-retry')).toBeNull();
      const broken = await failure(
        openaiOnce.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: q('boom [fault:500]') }],
        }),
      );
      expect(broken).toBeInstanceOf(OpenAI.InternalServerError);
      expect((broken as InstanceType<typeof OpenAI.InternalServerError>).type).toBe('server_error');
    });

    it('lists and retrieves models', async () => {
      const ids: string[] = [];
      for await (const m of openai.models.list()) ids.push(m.id);
      expect(ids).toContain('gpt-4o-mini');
      expect((await openai.models.retrieve('gpt-4o-mini')).id).toBe('gpt-4o-mini');
      expect(await failure(openai.models.retrieve('gpt-9-imaginary'))).toBeInstanceOf(OpenAI.NotFoundError);
    });

    it('says x-deja-cache: coalesced for an identical miss that shared the leader’s provider call', async () => {
      const text = q('Coalesce me [slow]');
      const ask = () =>
        openai.chat.completions
          .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] })
          .withResponse();
      const answers = await Promise.all([ask(), ask()]);
      const outcomes = answers.map((r) => r.response.headers.get('x-deja-cache'));
      expect(outcomes.sort()).toEqual(['coalesced', 'miss']);
      const follower = answers.find((r) => r.response.headers.get('x-deja-cache') === 'coalesced')!;
      expect(Number(follower.response.headers.get('x-deja-saved-usd'))).toBeGreaterThan(0);
      expect(follower.data.usage?.total_tokens).toBe(0);
      expect(proxy.calls(text)).toHaveLength(1);
    });
  });

  describe('Python SDKs (openai, anthropic from PyPI)', () => {
    type Failure = {
      class: string | null;
      status: number;
      type: string | null;
      code: string | null;
      param: string | null;
      should_retry: string | null;
      retry_after: string | null;
      attempts: number;
    };
    let seen: Record<string, unknown> & {
      openai_errors: Record<string, Failure>;
      anthropic_errors: Record<string, Failure>;
    };

    beforeAll(async () => {
      const python = pythonWithSdks();
      // Asynchronously: the simulator and the fault proxy answer from this very process.
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          python,
          [join(__dirname, 'python', 'sdk_compat.py'), deja.url, deja.apiKey, run],
          { timeout: 120_000, maxBuffer: 10_000_000 },
          (error, out, err) =>
            error ? reject(new Error(`sdk_compat.py failed: ${error.message}\n${err}`)) : resolve(out),
        ),
      );
      seen = JSON.parse(stdout) as typeof seen;
    }, 420_000);

    it('chat, streaming, a forced tool call and structured output work unchanged', () => {
      expect(seen['openai_plain']).toEqual({
        content: expect.stringContaining('Simulated answer to:'),
        cache: ['miss', 'hit'],
      });
      expect(seen['openai_stream']).toContain('Simulated answer to:');
      const tool = seen['openai_tool'] as { finish: string; name: string; arguments: unknown };
      expect([tool.finish, tool.name, ajv.validate(weather, tool.arguments)]).toEqual([
        'tool_calls',
        'get_weather',
        true,
      ]);
      expect(ajv.validate(weather, seen['openai_json'])).toBe(true);
      expect(seen['anthropic_plain']).toEqual({
        type: 'text',
        text: expect.stringContaining('Simulated'),
        stop: 'end_turn',
      });
      expect(seen['anthropic_stream']).toContain('Simulated');
      const used = seen['anthropic_tool'] as { stop: string; name: string; input: unknown };
      expect([used.stop, used.name, ajv.validate(weather, used.input)]).toEqual(['tool_use', 'get_weather', true]);
    });

    it('openai raises the provider-class exceptions with type, code and param, and does not retry a 4xx', () => {
      const e = seen.openai_errors;
      expect(e['not_found']).toMatchObject({
        class: 'NotFoundError',
        status: 404,
        code: 'model_not_found',
        attempts: 1,
      });
      expect(e['bad_request']).toMatchObject({
        class: 'BadRequestError',
        param: 'temperature',
        code: 'invalid_value',
        attempts: 1,
      });
      expect(e['auth']).toMatchObject({
        class: 'AuthenticationError',
        code: 'invalid_api_key',
        should_retry: 'false',
        attempts: 1,
      });
      expect(e['refused']).toMatchObject({
        class: 'BadRequestError',
        type: 'invalid_request_error',
        param: 'logprobs',
        attempts: 1,
      });
      expect(e['rate_limited']).toMatchObject({ class: 'RateLimitError', status: 429, retry_after: '1' });
    });

    it('anthropic raises the provider-class exceptions with error.type, and does not retry a 4xx', () => {
      const e = seen.anthropic_errors;
      expect(e['not_found']).toMatchObject({ class: 'NotFoundError', type: 'not_found_error', attempts: 1 });
      expect(e['permission']).toMatchObject({ class: 'PermissionDeniedError', type: 'permission_error', attempts: 1 });
      expect(e['refused']).toMatchObject({ class: 'BadRequestError', type: 'invalid_request_error', attempts: 1 });
      expect(e['overloaded']).toMatchObject({ class: 'OverloadedError', status: 529, type: 'overloaded_error' });
    });
  });

  describe('Anthropic SDK', () => {
    it('answers a miss and then a hit, and streams events the SDK assembles', async () => {
      const text = q('How many vacation days?');
      const ask = () =>
        anthropic.messages
          .create({ model: 'claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user', content: text }] })
          .withResponse();
      const first = await ask();
      expect(first.data.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Simulated') });
      expect(first.response.headers.get('x-deja-cache')).toBe('miss');
      expect((await ask()).response.headers.get('x-deja-cache')).toBe('hit');
      const final = await anthropic.messages
        .stream({ model: 'claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user', content: q('Stream') }] })
        .finalMessage();
      expect(final.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Simulated') });
    });

    it('calls a forced tool with schema-valid input, streaming too', async () => {
      const tools = [{ name: 'get_weather', description: 'Weather', input_schema: weather }];
      const res = await anthropic.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 300,
        messages: [{ role: 'user', content: q('Weather in Oslo?') }],
        tools,
        tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      });
      expect(res.stop_reason).toBe('tool_use');
      const block = res.content.find((b) => b.type === 'tool_use');
      expect(block?.type === 'tool_use' && ajv.validate(weather, block.input)).toBe(true);
      const final = await anthropic.messages
        .stream({
          model: 'claude-sonnet-4-6',
          max_tokens: 300,
          messages: [{ role: 'user', content: q('Weather in Bergen?') }],
          tools,
          tool_choice: { type: 'any' },
        })
        .finalMessage();
      const streamed = final.content.find((b) => b.type === 'tool_use');
      expect(streamed?.type === 'tool_use' && ajv.validate(weather, streamed.input)).toBe(true);
    });

    it('answers output_config.format json_schema with JSON of that schema, forwarded to the provider', async () => {
      const text = q('Weather as JSON');
      const res = await anthropic.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 300,
        messages: [{ role: 'user', content: text }],
        output_config: { format: { type: 'json_schema', schema: weather } },
      });
      const first = res.content[0];
      expect(first?.type === 'text' && ajv.validate(weather, JSON.parse(first.text))).toBe(true);
      expect(proxy.calls(text)[0]!.body['output_config']).toEqual({ format: { type: 'json_schema', schema: weather } });
    });

    it('refuses extended thinking with BadRequestError naming it, without retrying', async () => {
      attempts = 0;
      const err = await failure(
        anthropic.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 3000,
          messages: [{ role: 'user', content: q('think') }],
          thinking: { type: 'enabled', budget_tokens: 2048 },
        }),
      );
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      const e = err as InstanceType<typeof Anthropic.BadRequestError>;
      expect(e.type).toBe('invalid_request_error');
      expect(e.message).toContain('thinking');
      expect(attempts).toBe(1);
    });

    it.each([
      ['unknown model', 'claude-imaginary-9', '', Anthropic.NotFoundError, 'not_found_error'],
      ["provider's 400", 'claude-sonnet-4-6', '[fault:400]', Anthropic.BadRequestError, 'invalid_request_error'],
      ["provider's 401", 'claude-sonnet-4-6', '[fault:401]', Anthropic.AuthenticationError, 'authentication_error'],
      ["provider's 403", 'claude-sonnet-4-6', '[fault:403]', Anthropic.PermissionDeniedError, 'permission_error'],
    ])(
      "passes a provider's 4xx on as sent (%s): the SDK's class and error.type, one attempt",
      async (_name, model, marker, errorClass, type) => {
        const text = q(`four-oh-x ${marker}`);
        attempts = 0;
        const err = await failure(
          anthropic.messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content: text }] }),
        );
        expect(err).toBeInstanceOf(errorClass);
        const e = err as InstanceType<typeof Anthropic.APIError>;
        expect(e.type).toBe(type);
        expect(e.error).toMatchObject({ type: 'error', error: { type, deja_code: expect.any(String) } });
        expect(e.headers?.get('x-should-retry')).toBe('false');
        expect(attempts).toBe(1);
        expect(proxy.calls(text)).toHaveLength(1);
      },
    );

    it("passes a provider's 529 on as OverloadedError and a 429 as RateLimitError with retry-after", async () => {
      // The simulator answers a question tagged `[fault:N]` with that provider error.
      const faulted = (status: number) =>
        failure(
          anthropicOnce.messages.create({
            model: 'claude-sonnet-4-6',
            max_tokens: 50,
            messages: [{ role: 'user', content: q(`busy [fault:${status}]`) }],
          }),
        );
      const overloaded = await faulted(529);
      expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError);
      expect((overloaded as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
      const limited = await faulted(429);
      expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
      expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('1');
    });

    it('lists Claude models and counts tokens like the provider simulator', async () => {
      const ids: string[] = [];
      for await (const m of anthropic.models.list()) ids.push(m.id);
      expect(ids).toContain('claude-sonnet-4-6');
      const missing = await failure(anthropic.models.retrieve('claude-imaginary-9'));
      expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
      expect((missing as InstanceType<typeof Anthropic.APIError>).type).toBe('not_found_error');
      const body = {
        model: 'claude-sonnet-4-6',
        system: 'You are the ACME help desk.',
        messages: [{ role: 'user' as const, content: 'How many vacation days do new hires get?' }],
      };
      const viaDeja = await anthropic.messages.countTokens(body);
      const direct = await new Anthropic({ apiKey: 'x', baseURL: sim.url }).messages.countTokens(body);
      expect(viaDeja.input_tokens).toBe(direct.input_tokens);
    });
  });
});
