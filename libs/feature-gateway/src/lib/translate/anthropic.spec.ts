import { ChatRequest } from '@deja/contracts';
import type { GatewayException } from '../gateway.exception';
import { anthropicMessage, anthropicToNeutral, refuseCredentialHeaders } from './anthropic';
import { anthropicStreamFrames } from './anthropic-stream';
import { completed, parseSse, weatherCall } from './fixtures';

describe('anthropicToNeutral', () => {
  it('keeps cache_control-marked system blocks as cacheable parts', () => {
    const t = anthropicToNeutral({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: [
        { type: 'text', text: 'You answer from the handbook.' },
        { type: 'text', text: 'HANDBOOK…', cache_control: { type: 'ephemeral' } },
      ],
      messages: [{ role: 'user', content: 'How many vacation days?' }],
    });
    expect(t.request.system).toEqual([
      { type: 'text', text: 'You answer from the handbook.' },
      { type: 'text', text: 'HANDBOOK…', cacheable: true },
    ]);
    expect(t.request.params).toEqual({ max_tokens: 100 });
    expect(ChatRequest.safeParse(t.request).success).toBe(true);
  });

  it('turns a single unmarked text block into a plain string, like the string form', () => {
    const a = anthropicToNeutral({
      model: 'c',
      max_tokens: 5,
      system: [{ type: 'text', text: 'S' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }],
    });
    const b = anthropicToNeutral({
      model: 'c',
      max_tokens: 5,
      system: 'S',
      messages: [{ role: 'user', content: 'q' }],
    });
    expect(a.request).toEqual(b.request);
  });

  it('maps tool_use to tool calls and tool_result to tool messages, and tools with input_schema', () => {
    const t = anthropicToNeutral({
      model: 'c',
      max_tokens: 200,
      temperature: 0,
      stop_sequences: ['###'],
      tools: [
        {
          name: 'weather',
          description: 'Weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'auto' },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    });
    expect(t.request.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' }],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    expect(t.request.tools).toEqual([
      {
        name: 'weather',
        description: 'Weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ]);
    expect(t.request.params).toEqual({ max_tokens: 200, temperature: 0, stop: ['###'] });
    expect(t.request.tool_choice).toEqual({ type: 'auto' });
    expect(ChatRequest.safeParse(t.request).success).toBe(true);
  });

  it('rejects a missing max_tokens, image blocks, thinking and unknown fields with field paths', () => {
    const paths = (body: unknown) => {
      try {
        anthropicToNeutral(body);
      } catch (e) {
        return (e as GatewayException).details.issues?.map((i) => i.path);
      }
      throw new Error('expected a rejection');
    };
    expect(paths({ model: 'c', messages: [{ role: 'user', content: 'x' }] })).toEqual(['max_tokens']);
    expect(
      paths({ model: 'c', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image', source: {} }] }] }),
    ).toEqual(['messages.0.content.0']);
    const ok = { model: 'c', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] };
    expect(paths({ ...ok, thinking: { type: 'enabled', budget_tokens: 2048 } })).toEqual(['thinking']);
    expect(paths({ ...ok, container: 'c-1' })).toEqual(['container']);
    expect(paths({ ...ok, brand_new_field: 1 })).toEqual(['brand_new_field']);
    expect(paths({ ...ok, tools: [{ name: 't', input_schema: {}, defer_loading: true }] })).toEqual([
      'tools.0.defer_loading',
    ]);
  });

  it('keeps is_error of a tool result, and refuses citations and server-tool fields on blocks, naming them', () => {
    const { request } = anthropicToNeutral({
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 't1', name: 'w', input: {}, caller: { type: 'direct' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'timeout', is_error: true }] },
      ],
    });
    expect(request.messages[2]).toEqual({ role: 'tool', tool_call_id: 't1', content: 'timeout', is_error: true });
    const refusedPath = (content: unknown[]) => {
      try {
        anthropicToNeutral({ model: 'c', max_tokens: 1, messages: [{ role: 'user', content }] });
      } catch (e) {
        return (e as GatewayException).details.issues?.[0]?.path;
      }
      return undefined;
    };
    expect(refusedPath([{ type: 'text', text: 'x', citations: [{ type: 'char_location' }] }])).toBe(
      'messages.0.content.0.citations',
    );
    expect(refusedPath([{ type: 'text', text: 'x', mystery: 1 }])).toBe('messages.0.content.0.mystery');
  });

  it("refuses the SDK's workspace and user-profile header parameters, naming the field", () => {
    expect(() => refuseCredentialHeaders({ 'anthropic-workspace-id': 'wrkspc_1' })).toThrow(/workspace_id/);
    expect(() => refuseCredentialHeaders({ 'anthropic-user-profile-id': 'p' })).toThrow(/user_profile_id/);
    expect(() => refuseCredentialHeaders({ 'anthropic-version': '2023-06-01' })).not.toThrow();
  });

  it('forwards top_k, output_config and tool input_examples as scoped fields, metadata and service_tier as hints', () => {
    const { request } = anthropicToNeutral({
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      top_k: 5,
      output_config: { effort: 'low', format: { type: 'json_schema', schema: { type: 'object' } } },
      metadata: { user_id: 'u-1' },
      service_tier: 'standard_only',
      thinking: { type: 'disabled' },
      cache_control: { type: 'ephemeral' },
      tools: [{ name: 't', input_schema: { type: 'object' }, strict: true, input_examples: [{ a: 1 }] }],
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(request.provider_params).toEqual({
      top_k: 5,
      output_config: { effort: 'low', format: { type: 'json_schema', schema: { type: 'object' } } },
    });
    expect(request.provider_hints).toEqual({ metadata: { user_id: 'u-1' }, service_tier: 'standard_only' });
    expect(request.tools).toEqual([
      { name: 't', parameters: { type: 'object' }, strict: true, options: { input_examples: [{ a: 1 }] } },
    ]);
  });
});

describe('Anthropic response encoders', () => {
  it('reports usage in Anthropic field names, input_tokens uncached only', () => {
    expect(anthropicMessage(completed({}, 'claude-x'))).toMatchObject({
      id: 'msg_job-1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'text', text: 'Paris is the capital of France.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 100, cache_creation_input_tokens: 20, cache_read_input_tokens: 30, output_tokens: 7 },
    });
  });

  it('reports zero usage on a hit', () => {
    const hit = completed({
      cache: { outcome: 'hit', tier: 'exact', similarity: 1, threshold: 0.93, entry_id: 'e', rejected_by: null },
    });
    expect(anthropicMessage(hit)['usage']).toEqual({
      input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 0,
    });
  });

  it('encodes tool calls as tool_use blocks with parsed input and stop_reason tool_use', () => {
    const a = weatherCall('toolu_1', 'tool_calls');
    expect(anthropicMessage(a)).toMatchObject({
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }],
      stop_reason: 'tool_use',
    });
  });

  it('streams message_start … message_stop with text deltas that join to the answer', () => {
    const events = parseSse(anthropicStreamFrames(completed()));
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      ...events.filter((e) => e.event === 'content_block_delta').map(() => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    const text = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => JSON.parse(e.data).delta.text)
      .join('');
    expect(text).toBe('Paris is the capital of France.');
    expect(JSON.parse(events.at(-2)!.data)).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 7 },
    });
  });

  it('streams tool_use input as input_json_delta pieces that join to the JSON', () => {
    const a = weatherCall('toolu_1', 'tool_use', 'Checking.');
    const events = parseSse(anthropicStreamFrames(a)).map((e) => JSON.parse(e.data));
    const starts = events.filter((e) => e.type === 'content_block_start');
    expect(starts.map((s) => s.content_block.type)).toEqual(['text', 'tool_use']);
    const json = events
      .filter((e) => e.type === 'content_block_delta' && e.index === 1)
      .map((e) => e.delta.partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'Paris' });
  });
});
