import { getModel } from '@deja/util-model-catalog';
import { AnthropicPromptCache } from './anthropic-cache';
import type { AnthropicMessagesRequest } from './anthropic-prompt';
import { flattenAnthropicPrompt } from './anthropic-prompt';
import { SimClock } from './clock';
import { textOfTokens } from './test-text';

const sonnet = getModel('claude-sonnet-4-5'); // minimum 1,024
const haiku = getModel('claude-haiku-4-5'); // minimum 4,096
const MIN = 60_000;
const system = textOfTokens(4000);

type Ttl = '5m' | '1h';
const cc = (ttl?: Ttl) => ({
  cache_control: ttl ? { type: 'ephemeral' as const, ttl } : { type: 'ephemeral' as const },
});

function request(system: string, question: string, opts: { ttl?: Ttl; model?: string } = {}): AnthropicMessagesRequest {
  return {
    model: opts.model ?? sonnet.id,
    max_tokens: 100,
    system: [{ type: 'text', text: system, ...cc(opts.ttl) }],
    messages: [{ role: 'user', content: question }],
  };
}

function setup() {
  const clock = SimClock.manual();
  const cache = new AnthropicPromptCache(clock);
  const send = (req: AnthropicMessagesRequest, facts = sonnet, scope = 'key-a') => {
    const prompt = flattenAnthropicPrompt(req, 4);
    const plan = cache.plan({ scope, model: facts.id, prompt, facts: facts.promptCache });
    cache.commit(plan, clock.now());
    return { ...plan.usage, total: prompt.totalTokens };
  };
  return { clock, cache, send };
}

describe('AnthropicPromptCache', () => {
  it('writes the prefix up to the breakpoint on the first request and reads it on the second', () => {
    const { send } = setup();
    const first = send(request(system, 'What is A?'));
    expect(first.cache_creation_input_tokens).toBe(4000);
    expect(first.cache_read_input_tokens).toBe(0);
    expect(first.input_tokens).toBe(first.total - 4000);

    const second = send(request(system, 'And what is B?'));
    expect(second.cache_read_input_tokens).toBe(4000);
    expect(second.cache_creation_input_tokens).toBe(0);
    expect(second.input_tokens).toBe(second.total - 4000);
  });

  it('reports input, write and read counts that add up to the whole prompt', () => {
    const { send } = setup();
    for (const q of ['a', 'b', 'c']) {
      const u = send(request(system, q));
      expect(u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens).toBe(u.total);
    }
  });

  it('caches nothing without a cache_control breakpoint', () => {
    const { send } = setup();
    const req = { ...request(system, 'q'), system };
    send(req);
    const again = send(req);
    expect(again.cache_read_input_tokens).toBe(0);
    expect(again.cache_creation_input_tokens).toBe(0);
  });

  it('silently skips a prefix below the model minimum', () => {
    const { send } = setup();
    const short = textOfTokens(2000);
    const first = send(request(short, 'q'), haiku);
    const second = send(request(short, 'q'), haiku);
    expect(first.cache_creation_input_tokens).toBe(0);
    expect(second.cache_read_input_tokens).toBe(0);
    // the same prefix is long enough for Sonnet 4.5
    expect(send(request(short, 'q')).cache_creation_input_tokens).toBe(2000);
  });

  it('misses when one byte before the breakpoint changes', () => {
    const { send } = setup();
    send(request(system, 'q'));
    const changed = send(request(`${system}.`, 'q'));
    expect(changed.cache_read_input_tokens).toBe(0);
    expect(changed.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it('expires a 5-minute entry after 5 idle minutes, and each hit restarts the 5 minutes', () => {
    const { send, clock } = setup();
    send(request(system, 'q'));
    clock.advance(4 * MIN);
    expect(send(request(system, 'q')).cache_read_input_tokens).toBe(4000);
    clock.advance(4 * MIN); // 8 min after the write, 4 after the hit
    expect(send(request(system, 'q')).cache_read_input_tokens).toBe(4000);
    clock.advance(5 * MIN + 1);
    const expired = send(request(system, 'q'));
    expect(expired.cache_read_input_tokens).toBe(0);
    expect(expired.cache_creation_input_tokens).toBe(4000);
  });

  it('keeps a ttl "1h" entry for an hour and reports it as a 1-hour write', () => {
    const { send, clock } = setup();
    const first = send(request(system, 'q', { ttl: '1h' }));
    expect(first.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 4000 });
    clock.advance(59 * MIN);
    expect(send(request(system, 'q', { ttl: '1h' })).cache_read_input_tokens).toBe(4000);
  });

  it('reads the longest cached prefix and writes only the part after it', () => {
    const { send } = setup();
    send(request(system, 'q'));
    const turn: AnthropicMessagesRequest = {
      model: sonnet.id,
      max_tokens: 100,
      system: [{ type: 'text', text: system, ...cc() }],
      messages: [{ role: 'user', content: [{ type: 'text', text: textOfTokens(1500, 3), ...cc() }] }],
    };
    const u = send(turn);
    expect(u.cache_read_input_tokens).toBe(4000);
    expect(u.cache_creation_input_tokens).toBe(1503); // 3 tokens of message overhead
    expect(u.input_tokens).toBe(0);
  });

  it('finds an earlier breakpoint within the 20-block lookback', () => {
    const { send } = setup();
    const blocks = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'text', text: textOfTokens(100, i) }));
    const base = (content: Array<Record<string, unknown>>): AnthropicMessagesRequest => ({
      model: sonnet.id,
      max_tokens: 10,
      system: [{ type: 'text', text: system }],
      messages: [{ role: 'user', content: content as never }],
    });
    const first = blocks(5);
    first[4] = { ...first[4], ...cc() };
    send(base(first));
    const later = blocks(10);
    later[9] = { ...later[9], ...cc() };
    const u = send(base(later));
    expect(u.cache_read_input_tokens).toBe(4000 + 3 + 500);
    expect(u.cache_creation_input_tokens).toBe(500);
  });

  it('splits writes between the 1-hour and the 5-minute parts', () => {
    const { send } = setup();
    const req: AnthropicMessagesRequest = {
      model: sonnet.id,
      max_tokens: 10,
      system: [{ type: 'text', text: system, ...cc('1h') }],
      messages: [{ role: 'user', content: [{ type: 'text', text: textOfTokens(997), ...cc('5m') }] }],
    };
    expect(send(req).cache_creation).toEqual({ ephemeral_1h_input_tokens: 4000, ephemeral_5m_input_tokens: 1000 });
  });

  it('keeps caches apart per API key and per model', () => {
    const { send } = setup();
    send(request(system, 'q'));
    expect(send(request(system, 'q'), sonnet, 'key-b').cache_read_input_tokens).toBe(0);
    expect(
      send(request(system, 'q', { model: 'claude-opus-4-1' }), getModel('claude-opus-4-1')).cache_read_input_tokens,
    ).toBe(0);
  });

  it('makes an entry readable only once the response that wrote it has started', () => {
    const clock = SimClock.manual();
    const cache = new AnthropicPromptCache(clock);
    const prompt = flattenAnthropicPrompt(request(system, 'q'), 4);
    const plan = cache.plan({ scope: 'k', model: sonnet.id, prompt, facts: sonnet.promptCache });
    cache.commit(plan, clock.now() + 500);
    expect(
      cache.plan({ scope: 'k', model: sonnet.id, prompt, facts: sonnet.promptCache }).usage.cache_read_input_tokens,
    ).toBe(0);
    clock.advance(500);
    expect(
      cache.plan({ scope: 'k', model: sonnet.id, prompt, facts: sonnet.promptCache }).usage.cache_read_input_tokens,
    ).toBe(4000);
  });
});

describe('flattenAnthropicPrompt', () => {
  it('rejects a fifth cache_control breakpoint like the real API', () => {
    const req: AnthropicMessagesRequest = {
      model: sonnet.id,
      max_tokens: 10,
      system: Array.from({ length: 5 }, (_, i) => ({ type: 'text' as const, text: `s${i}`, ...cc() })),
      messages: [{ role: 'user', content: 'q' }],
    };
    expect(() => flattenAnthropicPrompt(req, 4)).toThrow(
      'A maximum of 4 blocks with cache_control may be provided. Found 5.',
    );
  });

  it('rejects a 1-hour breakpoint after a 5-minute one', () => {
    const req: AnthropicMessagesRequest = {
      model: sonnet.id,
      max_tokens: 10,
      system: [
        { type: 'text', text: 'a', ...cc('5m') },
        { type: 'text', text: 'b', ...cc('1h') },
      ],
      messages: [{ role: 'user', content: 'q' }],
    };
    expect(() => flattenAnthropicPrompt(req, 4)).toThrow(/ttl='1h' must not come after/);
  });

  it('orders tools before system before messages, so a tool change misses everything after it', () => {
    const withTool = (description: string): AnthropicMessagesRequest => ({
      ...request(system, 'q'),
      tools: [{ name: 'lookup', description, input_schema: { type: 'object' } }],
    });
    const a = flattenAnthropicPrompt(withTool('one'), 4);
    const b = flattenAnthropicPrompt(withTool('two'), 4);
    expect(a.blocks.map((x) => x.where)).toEqual(['tools.0', 'system.0', 'messages.0.content.0']);
    expect(a.prefixHashes[1]).not.toBe(b.prefixHashes[1]);
  });

  it('ignores where cache_control sits when identifying a prefix', () => {
    const marked = flattenAnthropicPrompt(request(system, 'q'), 4);
    const unmarked = flattenAnthropicPrompt({ ...request(system, 'q'), system: [{ type: 'text', text: system }] }, 4);
    expect(marked.prefixHashes).toEqual(unmarked.prefixHashes);
  });
});
