import { GatewayErrorCode, type GatewayException } from '../gateway.exception';
import { countTokens, modelById, modelList } from './models';

describe('model list', () => {
  it("lists OpenAI's chat models in OpenAI's list shape, no embedding models", () => {
    const list = modelList('openai') as { object: string; data: Array<{ id: string; object: string }> };
    expect(list.object).toBe('list');
    expect(list.data.map((m) => m.id)).toContain('gpt-4o-mini');
    expect(list.data.every((m) => m.object === 'model')).toBe(true);
    expect(list.data.some((m) => m.id.startsWith('text-embedding') || m.id.startsWith('claude'))).toBe(false);
  });

  it("lists Claude models in Anthropic's page shape for the Anthropic SDK", () => {
    const page = modelList('anthropic') as { data: Array<{ type: string; id: string }>; has_more: boolean };
    expect(page.has_more).toBe(false);
    expect(page.data.map((m) => m.id)).toContain('claude-sonnet-4-6');
    expect(page.data.every((m) => m.type === 'model')).toBe(true);
  });

  it('finds a model by id or alias and answers 404 for an unknown one', () => {
    expect(modelById('gpt-4o-mini', 'openai')).toMatchObject({
      id: 'gpt-4o-mini',
      object: 'model',
      owned_by: 'openai',
    });
    const e = (() => {
      try {
        modelById('gpt-9-imaginary', 'openai');
      } catch (error) {
        return error as GatewayException;
      }
      throw new Error('expected a 404');
    })();
    expect(e.code).toBe(GatewayErrorCode.NotFound);
  });
});

describe('count_tokens', () => {
  const body = (text: string, extra: Record<string, unknown> = {}) => ({
    model: 'claude-sonnet-4-6',
    messages: [{ role: 'user', content: text }],
    ...extra,
  });

  it('counts the prompt without needing max_tokens, and grows with the prompt, the system prompt and tools', () => {
    const short = countTokens(body('Hi')).input_tokens;
    expect(short).toBeGreaterThan(0);
    expect(countTokens(body('Hi there, how many vacation days do new hires get?')).input_tokens).toBeGreaterThan(short);
    expect(countTokens(body('Hi', { system: 'You are the ACME help desk.' })).input_tokens).toBeGreaterThan(short);
    expect(
      countTokens(body('Hi', { tools: [{ name: 'lookup', input_schema: { type: 'object' } }] })).input_tokens,
    ).toBeGreaterThan(short);
  });

  it('refuses what the Messages endpoint refuses, and a model that is not Anthropic’s', () => {
    expect(() => countTokens(body('Hi', { thinking: { type: 'enabled', budget_tokens: 1024 } }))).toThrow(/thinking/);
    expect(() => countTokens({ ...body('Hi'), model: 'gpt-4o' })).toThrow(/gpt-4o/);
  });
});
