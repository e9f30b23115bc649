import { getModel } from '@deja/util-model-catalog';
import { SimClock } from './clock';
import { OpenAIPromptCache } from './openai-cache';
import type { OpenAIChatRequest } from './openai-prompt';
import { serialiseOpenAIPrompt } from './openai-prompt';
import { textOfTokens } from './test-text';

const gpt4o = getModel('gpt-4o');
const gpt5 = getModel('gpt-5');
const MIN = 60_000;
const system = textOfTokens(4000);

function chat(system: string, question: string, extra: Partial<OpenAIChatRequest> = {}): OpenAIChatRequest {
  return {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: question },
    ],
    ...extra,
  };
}

function setup() {
  const clock = SimClock.manual();
  const cache = new OpenAIPromptCache(clock);
  const send = (req: OpenAIChatRequest, facts = gpt4o, scope = 'key-a') => {
    const tokens = serialiseOpenAIPrompt(req);
    const plan = cache.plan({
      scope,
      model: facts.id,
      tokens,
      promptCacheKey: req.prompt_cache_key ?? null,
      retention: req.prompt_cache_retention ?? null,
      facts: facts.promptCache,
    });
    cache.commit(plan, clock.now());
    return plan;
  };
  return { clock, send };
}

describe('OpenAIPromptCache', () => {
  it('caches a long prompt automatically and reports the shared prefix in 128-token steps', () => {
    const { send } = setup();
    const first = send(chat(system, 'What is A?'));
    expect(first.cachedTokens).toBe(0);
    const second = send(chat(system, 'And B, please?'));
    // the shared prefix is the system message (4,002 tokens with its markers) plus the user marker
    expect(second.cachedTokens).toBe(Math.floor(4003 / 128) * 128);
    expect(second.cachedTokens % 128).toBe(0);
    expect(second.cachedTokens).toBeLessThanOrEqual(second.promptTokens);
  });

  it('never caches a prompt under 1,024 tokens', () => {
    const { send } = setup();
    const short = textOfTokens(1000);
    send(chat(short, 'q'));
    expect(send(chat(short, 'q')).cachedTokens).toBe(0);
  });

  it('caches exactly 1,024 tokens when the shared prefix is just over the minimum', () => {
    const { send } = setup();
    const prefix = textOfTokens(1100);
    send(chat(prefix, 'first question'));
    expect(send(chat(prefix, 'second question')).cachedTokens).toBe(1024);
  });

  it('keeps requests with different prompt_cache_key values apart', () => {
    const { send } = setup();
    send(chat(system, 'q', { prompt_cache_key: 'tenant-1' }));
    expect(send(chat(system, 'q', { prompt_cache_key: 'tenant-2' })).cachedTokens).toBe(0);
    expect(send(chat(system, 'q', { prompt_cache_key: 'tenant-1' })).cachedTokens).toBeGreaterThan(0);
  });

  it('misses when the first tokens differ (a timestamp at the top breaks caching)', () => {
    const { send } = setup();
    send(chat(`Now: 10:00:01.${system}`, 'q'));
    expect(send(chat(`Now: 10:00:02.${system}`, 'q')).cachedTokens).toBe(0);
  });

  it('drops in-memory entries after 10 idle minutes and refreshes them on each hit', () => {
    const { send, clock } = setup();
    send(chat(system, 'q'));
    clock.advance(9 * MIN);
    expect(send(chat(system, 'q')).cachedTokens).toBeGreaterThan(0);
    clock.advance(9 * MIN);
    expect(send(chat(system, 'q')).cachedTokens).toBeGreaterThan(0);
    clock.advance(10 * MIN + 1);
    expect(send(chat(system, 'q')).cachedTokens).toBe(0);
  });

  it('caps in-memory entries at an hour however often they are hit', () => {
    const { send, clock } = setup();
    send(chat(system, 'q'));
    for (let i = 0; i < 6; i++) {
      clock.advance(9 * MIN);
      send(chat(system, 'q'));
    }
    clock.advance(7 * MIN); // 61 minutes after the first write, 7 after the last hit
    expect(send(chat(system, 'q')).cachedTokens).toBe(0);
  });

  it('keeps prompt_cache_retention "24h" entries for a day on models that support it', () => {
    const { send, clock } = setup();
    const req = chat(system, 'q', { model: 'gpt-5', prompt_cache_retention: '24h' });
    send(req, gpt5);
    clock.advance(23 * 60 * MIN);
    expect(send(req, gpt5).cachedTokens).toBeGreaterThan(0);
  });

  it('keeps caches apart per API key and per model', () => {
    const { send } = setup();
    send(chat(system, 'q'));
    expect(send(chat(system, 'q'), gpt4o, 'key-b').cachedTokens).toBe(0);
    expect(send(chat(system, 'q', { model: 'gpt-5' }), gpt5).cachedTokens).toBe(0);
  });
});
