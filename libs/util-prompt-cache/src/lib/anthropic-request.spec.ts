import type { ChatRequest } from '@deja/contracts';
import { getModel } from '@deja/util-model-catalog';
import { shapeAnthropicRequest } from './anthropic-request';

const sonnet = getModel('claude-sonnet-4-5'); // minimum 1,024 tokens
const longText = (words: number, seed = 'policy') =>
  Array.from({ length: words }, (_, i) => `${seed}${i % 50} word`).join(' ');

function request(over: Partial<ChatRequest> = {}): ChatRequest {
  return {
    provider: 'anthropic',
    model: sonnet.id,
    messages: [{ role: 'user', content: 'How do I reset my password?' }],
    params: {},
    ...over,
  };
}

const shape = (req: ChatRequest, longTtl = false) =>
  shapeAnthropicRequest(req, { facts: sonnet, defaultMaxTokens: 1024, longTtlForStatic: longTtl });

describe('shapeAnthropicRequest', () => {
  it("forwards the caller's provider fields, strict tools with their options, and tool_choice's parallel flag", () => {
    const { body } = shape(
      request({
        tools: [{ name: 'search', parameters: { type: 'object' }, strict: true, options: { input_examples: [{}] } }],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        provider_params: { output_config: { effort: 'low' }, top_k: 5, stream: true },
        provider_hints: { metadata: { user_id: 'u-1' }, service_tier: 'standard_only' },
      }),
    );
    expect(body).toMatchObject({
      output_config: { effort: 'low' },
      top_k: 5,
      metadata: { user_id: 'u-1' },
      service_tier: 'standard_only',
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(body).not.toHaveProperty('stream');
    expect(body.tools?.[0]).toMatchObject({ name: 'search', strict: true, input_examples: [{}] });
  });

  it('marks a failed tool result with is_error', () => {
    const { body } = shape(
      request({
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: '', tool_calls: [{ id: 't1', name: 'w', arguments: '{}' }] },
          { role: 'tool', tool_call_id: 't1', content: 'timeout', is_error: true },
        ],
      }),
    );
    expect(body.messages[2]!.content).toEqual([
      expect.objectContaining({ type: 'tool_result', tool_use_id: 't1', content: 'timeout', is_error: true }),
    ]);
  });

  it('marks a long system prompt with an ephemeral breakpoint and sends it in block form', () => {
    const shaped = shape(request({ system: longText(1500) }));
    expect(shaped.body.system).toEqual([{ type: 'text', text: longText(1500), cache_control: { type: 'ephemeral' } }]);
    expect(shaped.breakpoints.map((b) => b.reason)).toEqual(['system']);
  });

  it('leaves a short system prompt unmarked (below the model minimum caching is skipped anyway)', () => {
    const shaped = shape(request({ system: 'You are terse.' }));
    expect(shaped.body.system).toEqual([{ type: 'text', text: 'You are terse.' }]);
    expect(shaped.breakpoints).toEqual([]);
  });

  it('uses the 1-hour lifetime for tools and system when configured', () => {
    const tools = [
      {
        name: 'search',
        description: longText(1200, 'tool'),
        parameters: { type: 'object', properties: { q: { type: 'string' } } },
      },
    ];
    const shaped = shape(request({ tools, system: longText(200) }), true);
    expect(shaped.body.tools?.[0]).toMatchObject({ name: 'search', cache_control: { type: 'ephemeral', ttl: '1h' } });
    expect((shaped.body.system as Array<{ cache_control?: unknown }>)[0]?.cache_control).toEqual({
      type: 'ephemeral',
      ttl: '1h',
    });
  });

  it('marks the stable conversation prefix: the last turn before the final user message', () => {
    const shaped = shape(
      request({
        system: longText(1500),
        messages: [
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'first answer' },
          { role: 'user', content: 'second question' },
        ],
      }),
    );
    const [first, second, last] = shaped.body.messages;
    expect(first?.content).toEqual([{ type: 'text', text: 'first question' }]);
    expect(second?.content).toEqual([{ type: 'text', text: 'first answer', cache_control: { type: 'ephemeral' } }]);
    expect(last?.content).toEqual([{ type: 'text', text: 'second question' }]);
  });

  it('marks a large caller-marked cacheable document and strips the neutral flag', () => {
    const doc = longText(1500, 'doc');
    const shaped = shape(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: doc, cacheable: true },
              { type: 'text', text: 'Summarise.' },
            ],
          },
        ],
      }),
    );
    expect(shaped.body.messages[0]?.content).toEqual([
      { type: 'text', text: doc, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Summarise.' },
    ]);
  });

  it('keeps a caller-provided cache_control and counts it against the four', () => {
    const parts = Array.from({ length: 5 }, (_, i) => ({
      type: 'text' as const,
      text: longText(300, `p${i}`),
      cache_control: { type: 'ephemeral', ttl: '5m' },
    }));
    const shaped = shape(request({ system: longText(1500), messages: [{ role: 'user', content: parts }] }));
    const marked = (shaped.body.messages[0]?.content as Array<{ cache_control?: unknown }>).filter(
      (b) => b.cache_control,
    );
    expect(marked).toHaveLength(4);
    expect((shaped.body.system as Array<{ cache_control?: unknown }>)[0]?.cache_control).toBeUndefined();
  });

  it('translates tool calls and tool results into tool_use and tool_result blocks', () => {
    const shaped = shape(
      request({
        messages: [
          { role: 'user', content: 'weather?' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '12C' },
        ],
      }),
    );
    expect(shaped.body.messages[1]?.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
    ]);
    expect(shaped.body.messages[2]).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '12C' }],
    });
  });

  it('maps generation params and warns about the ones Anthropic lacks', () => {
    const shaped = shape(request({ params: { temperature: 0.2, max_tokens: 300, stop: ['END'], seed: 7 } }));
    expect(shaped.body).toMatchObject({ temperature: 0.2, max_tokens: 300, stop_sequences: ['END'] });
    expect(shaped.body).not.toHaveProperty('seed');
    expect(shaped.warnings).toContain('params.seed is not supported by Anthropic and was not sent');
  });

  it('warns about a timestamp inside the system prompt', () => {
    const shaped = shape(request({ system: `Now: 2026-11-27T10:00:00Z. ${longText(100)}` }));
    expect(shaped.warnings).toEqual([
      expect.stringMatching(/^volatile content in system prompt at char 5: ISO timestamp/),
    ]);
  });
});
