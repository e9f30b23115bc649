import { ChatRequest } from '@deja/contracts';
import { GatewayErrorCode, type GatewayException } from '../gateway.exception';
import { completed, parseSse, weatherCall } from './fixtures';
import { openAiCompletion, openAiToNeutral } from './openai';
import { openAiStreamFrames } from './openai-stream';

describe('openAiToNeutral', () => {
  it('moves system and developer messages into system, keeping their boundaries', () => {
    const t = openAiToNeutral({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Answer in French.' },
        { role: 'user', content: 'Capital of France?' },
      ],
    });
    expect(t.request.system).toEqual([
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Answer in French.' },
    ]);
    expect(t.request.messages).toEqual([{ role: 'user', content: 'Capital of France?' }]);
    expect(ChatRequest.safeParse(t.request).success).toBe(true);
  });

  it('keeps a single system message as a plain string', () => {
    expect(
      openAiToNeutral({
        model: 'm',
        messages: [
          { role: 'system', content: 'S' },
          { role: 'user', content: 'u' },
        ],
      }).request.system,
    ).toBe('S');
  });

  it('maps tools, tool calls, tool results, response_format and params', () => {
    const t = openAiToNeutral({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'weather', description: 'Gets weather', parameters: { type: 'object' } },
        },
      ],
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
      temperature: 0.2,
      max_completion_tokens: 50,
      stop: 'END',
      seed: 7,
      top_p: null,
      user: 'ignored',
    });
    expect(t.request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18C' },
    ]);
    expect(t.request.tools).toEqual([{ name: 'weather', description: 'Gets weather', parameters: { type: 'object' } }]);
    expect(t.request.tool_choice).toBe('auto');
    expect(t.request.response_format).toEqual({ type: 'json_object' });
    expect(t.request.params).toEqual({ temperature: 0.2, max_tokens: 50, stop: ['END'], seed: 7 });
    expect(ChatRequest.safeParse(t.request).success).toBe(true);
  });

  it('returns the deja options and stream flags without passing them into the request', () => {
    const t = openAiToNeutral({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
      stream_options: { include_usage: true },
      deja: { namespace: 'faq' },
    });
    expect(t).toMatchObject({ stream: true, includeUsage: true, deja: { namespace: 'faq' } });
    expect(JSON.stringify(t.request)).not.toContain('faq');
  });

  it('forwards answer-changing fields as scoped, ids and metadata as hints, and strict tools', () => {
    const { request } = openAiToNeutral({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } }],
      reasoning_effort: 'high',
      parallel_tool_calls: false,
      logit_bias: { '50256': -100 },
      verbosity: 'low',
      user: 'u-1',
      metadata: { a: 'b' },
      store: false,
      service_tier: 'flex',
      logprobs: false,
      n: 1,
      modalities: ['text'],
      stream_options: null,
    });
    expect(request.provider_params).toEqual({
      reasoning_effort: 'high',
      parallel_tool_calls: false,
      logit_bias: { '50256': -100 },
      verbosity: 'low',
    });
    expect(request.provider_hints).toEqual({ user: 'u-1', metadata: { a: 'b' }, store: false, service_tier: 'flex' });
    expect(request.tools).toEqual([{ name: 'f', parameters: { type: 'object' }, strict: true }]);
  });

  it('keeps participant names of user and assistant turns, and refuses one on a system message', () => {
    const { request } = openAiToNeutral({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'hi', name: 'ada' },
        { role: 'assistant', content: 'hello', name: 'bot', refusal: null },
        { role: 'user', content: 'x' },
      ],
    });
    expect(request.messages.slice(0, 2)).toEqual([
      { role: 'user', content: 'hi', name: 'ada' },
      { role: 'assistant', content: 'hello', name: 'bot' },
    ]);
    expect(() =>
      openAiToNeutral({
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: 's', name: 'n' },
          { role: 'user', content: 'x' },
        ],
      }),
    ).toThrow(/messages\.0\.name/);
    expect(() =>
      openAiToNeutral({
        model: 'gpt-4o',
        messages: [
          { role: 'assistant', content: 'x', audio: { id: 'a' } },
          { role: 'user', content: 'x' },
        ],
      }),
    ).toThrow(/messages\.0\.audio/);
  });

  it.each([
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { top_logprobs: 3 }],
    ['audio', { audio: { voice: 'alloy', format: 'mp3' } }],
    ['modalities', { modalities: ['text', 'audio'] }],
    ['web_search_options', { web_search_options: {} }],
    ['functions', { functions: [{ name: 'f' }] }],
    ['moderation', { moderation: {} }],
    ['a_field_from_the_future', { a_field_from_the_future: true }],
  ])('refuses %s with a 400 naming it', (field, extra) => {
    const e = (() => {
      try {
        openAiToNeutral({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], ...extra });
      } catch (error) {
        return error as GatewayException;
      }
      throw new Error('expected a rejection');
    })();
    expect(e.details.issues?.[0]?.path).toBe(field);
    expect(e.message).toContain(field);
  });

  it('rejects image parts and n>1 with the field path', () => {
    const bad = (body: unknown) => {
      try {
        openAiToNeutral(body);
      } catch (e) {
        return e as GatewayException;
      }
      throw new Error('expected a rejection');
    };
    const img = bad({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
    });
    expect(img.code).toBe(GatewayErrorCode.Unsupported);
    expect(img.details.issues?.[0].path).toBe('messages.0.content.0');
    expect(bad({ model: 'm', n: 2, messages: [{ role: 'user', content: 'x' }] }).details.issues?.[0].path).toBe('n');
    const missing = bad({ messages: [] });
    expect(missing.code).toBe(GatewayErrorCode.InvalidRequest);
    expect(missing.details.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['model', 'messages']));
    // OpenAI refuses a user message without content; only an assistant message may omit it.
    const nullContent = bad({ model: 'm', messages: [{ role: 'user', content: null }] });
    expect(nullContent.code).toBe(GatewayErrorCode.InvalidRequest);
    expect(nullContent.details.issues?.[0].path).toBe('messages.0.content');
  });
});

describe('OpenAI response encoders', () => {
  it('reports a miss with prompt tokens including cached ones', () => {
    const body = openAiCompletion(completed());
    expect(body).toMatchObject({
      id: 'chatcmpl-job-1',
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Paris is the capital of France.' }, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: 150,
        completion_tokens: 7,
        total_tokens: 157,
        prompt_tokens_details: { cached_tokens: 30 },
      },
    });
  });

  it('reports zero spent usage on a hit, not the replayed usage', () => {
    const hit = completed({
      cache: { outcome: 'hit', tier: 'semantic', similarity: 0.97, threshold: 0.93, entry_id: 'e1', rejected_by: null },
      usage: { input_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 0 },
      saved_usage: { input_tokens: 100, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 7 },
    });
    expect(openAiCompletion(hit)['usage']).toEqual({
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  it('encodes tool calls with null content and finish_reason tool_calls', () => {
    const a = weatherCall('c1', 'tool_use');
    const body = openAiCompletion(a) as { choices: Array<{ message: Record<string, unknown>; finish_reason: string }> };
    expect(body.choices[0].message['content']).toBeNull();
    expect(body.choices[0].message['tool_calls']).toEqual([
      { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(body.choices[0].finish_reason).toBe('tool_calls');
  });

  it('streams chunks whose contents join to the answer, then finish, usage and [DONE]', () => {
    const events = parseSse(openAiStreamFrames(completed(), true));
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === 'chatcmpl-job-1')).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Paris is the capital of France.');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 7 } });
  });

  it('streams tool call arguments in pieces that join to the arguments', () => {
    const args = JSON.stringify({
      city: 'Paris',
      unit: 'celsius',
      days: [1, 2, 3],
      note: 'a fairly long value to split into pieces',
    });
    const a = completed({
      answer: {
        content: '',
        finish_reason: 'tool_calls',
        tool_calls: [{ id: 'c1', name: 'weather', arguments: args }],
        simulated: false,
      },
    });
    const chunks = parseSse(openAiStreamFrames(a, false))
      .slice(0, -1)
      .map((e) => JSON.parse(e.data));
    const calls = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, id: 'c1', function: { name: 'weather' } });
    expect(calls.map((c) => c.function.arguments).join('')).toBe(args);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });
});
