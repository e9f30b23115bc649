import fc from 'fast-check';
import type { ChatRequest } from '@deja/contracts';
import { getModel } from '@deja/util-model-catalog';
import { promptCacheKey, shapeOpenAIRequest } from './openai-request';

const gpt = getModel('gpt-4.1');
const base: ChatRequest = {
  provider: 'openai',
  model: gpt.id,
  system: 'You are a support agent.',
  tools: [
    {
      name: 'lookup',
      description: 'find an order',
      parameters: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    },
  ],
  messages: [{ role: 'user', content: 'Where is my order?' }],
  params: { temperature: 0, max_tokens: 100 },
};

describe('shapeOpenAIRequest', () => {
  it("forwards the caller's provider fields and strict tools, and never lets them override Deja's own", () => {
    const { body } = shapeOpenAIRequest(
      {
        ...base,
        tools: [{ name: 'lookup', parameters: { type: 'object' }, strict: true }],
        provider_params: { reasoning_effort: 'high', parallel_tool_calls: false, model: 'gpt-evil', stream: true },
        provider_hints: { user: 'u-1', metadata: { team: 'a' }, service_tier: 'flex' },
      },
      { facts: gpt, tenant: 'acme' },
    );
    expect(body).toMatchObject({
      model: gpt.id,
      reasoning_effort: 'high',
      parallel_tool_calls: false,
      user: 'u-1',
      metadata: { team: 'a' },
      service_tier: 'flex',
    });
    expect(body).not.toHaveProperty('stream');
    expect(body.tools?.[0]).toEqual({
      type: 'function',
      function: { name: 'lookup', parameters: { type: 'object' }, strict: true },
    });
  });

  it('passes OpenAI tool_choice variants it does not translate (allowed_tools) through unchanged', () => {
    const allowed = {
      type: 'allowed_tools',
      allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'lookup' } }] },
    };
    const { body } = shapeOpenAIRequest({ ...base, tool_choice: allowed }, { facts: gpt, tenant: 'acme' });
    expect(body.tool_choice).toEqual(allowed);
  });

  it('sends participant names of user and assistant turns', () => {
    const { body } = shapeOpenAIRequest(
      { ...base, messages: [{ role: 'user', content: 'hi', name: 'ada' }] },
      { facts: gpt, tenant: 'acme' },
    );
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'hi', name: 'ada' });
  });

  it("hashes a caller's prompt_cache_key with the tenant, and honours its prompt_cache_retention", () => {
    const shaped = (tenant: string) =>
      shapeOpenAIRequest(
        { ...base, provider_hints: { prompt_cache_key: 'my-group', prompt_cache_retention: '24h' } },
        { facts: gpt, tenant },
      ).body;
    expect(shaped('acme').prompt_cache_key).toMatch(/^deja-[0-9a-f]{40}$/);
    expect(shaped('acme').prompt_cache_key).not.toBe(shaped('globex').prompt_cache_key);
    expect(shaped('acme').prompt_cache_key).not.toBe(
      shapeOpenAIRequest(base, { facts: gpt, tenant: 'acme' }).promptCacheKey,
    );
    expect(shaped('acme').prompt_cache_retention).toBe('24h');
  });

  it('puts the system message first and the tools before the conversation', () => {
    const { body } = shapeOpenAIRequest(base, { facts: gpt, tenant: 'acme' });
    expect(body.messages[0]).toEqual({ role: 'system', content: 'You are a support agent.' });
    expect(Object.keys(body).indexOf('tools')).toBeLessThan(Object.keys(body).indexOf('messages'));
    expect(body.max_completion_tokens).toBe(100);
  });

  it('serialises equal requests to identical bytes whatever the key order of the tool schema', () => {
    const reordered: ChatRequest = {
      ...base,
      params: { max_tokens: 100, temperature: 0 },
      tools: [
        {
          parameters: { properties: { id: { type: 'string' } }, required: ['id'], type: 'object' },
          description: 'find an order',
          name: 'lookup',
        },
      ],
    };
    const a = JSON.stringify(shapeOpenAIRequest(base, { facts: gpt, tenant: 'acme' }).body);
    const b = JSON.stringify(shapeOpenAIRequest(reordered, { facts: gpt, tenant: 'acme' }).body);
    expect(b).toBe(a);
  });

  it('derives one prompt_cache_key per tenant, model, system prompt and tools — not per question', () => {
    const key = shapeOpenAIRequest(base, { facts: gpt, tenant: 'acme' }).promptCacheKey;
    const otherQuestion = shapeOpenAIRequest(
      { ...base, messages: [{ role: 'user', content: 'Refund?' }] },
      { facts: gpt, tenant: 'acme' },
    );
    expect(otherQuestion.body.prompt_cache_key).toBe(key);
    expect(promptCacheKey('globex', base)).not.toBe(key);
    expect(promptCacheKey('acme', { ...base, system: 'Other prompt' })).not.toBe(key);
    expect(promptCacheKey('acme', { ...base, model: 'gpt-4.1-mini' })).not.toBe(key);
    expect(key).toMatch(/^deja-[0-9a-f]{40}$/);
  });

  it('sends prompt_cache_retention only where the model supports it', () => {
    expect(shapeOpenAIRequest(base, { facts: gpt, tenant: 'acme', retention: '24h' }).body.prompt_cache_retention).toBe(
      '24h',
    );
    const old = shapeOpenAIRequest(
      { ...base, model: 'gpt-4o' },
      { facts: getModel('gpt-4o'), tenant: 'acme', retention: '24h' },
    );
    expect(old.body).not.toHaveProperty('prompt_cache_retention');
    expect(old.warnings[0]).toMatch(/not supported by gpt-4o/);
  });

  it('translates assistant tool calls and tool results', () => {
    const { body } = shapeOpenAIRequest(
      {
        ...base,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'lookup', arguments: '{"id":"1"}' }] },
          { role: 'tool', tool_call_id: 'c1', content: 'shipped' },
        ],
      },
      { facts: gpt, tenant: 'acme' },
    );
    expect(body.messages[2]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"id":"1"}' } }],
    });
    expect(body.messages[3]).toEqual({ role: 'tool', tool_call_id: 'c1', content: 'shipped' });
  });

  it('warns about a request id in a tool description', () => {
    const { warnings } = shapeOpenAIRequest(
      { ...base, tools: [{ name: 'lookup', description: 'request_id=9f2c1d7e4b' }] },
      { facts: gpt, tenant: 'acme' },
    );
    expect(warnings).toEqual([expect.stringMatching(/^volatile content in tool "lookup" at char \d+: request id/)]);
  });

  it('is byte-identical for any tool schema whatever order its keys come in', () => {
    const shuffle = (v: unknown, seed: number): unknown => {
      if (Array.isArray(v)) return v.map((x) => shuffle(x, seed));
      if (v === null || typeof v !== 'object') return v;
      const entries = Object.entries(v as Record<string, unknown>);
      const rotated = entries
        .slice(seed % Math.max(1, entries.length))
        .concat(entries.slice(0, seed % Math.max(1, entries.length)))
        .reverse();
      return Object.fromEntries(rotated.map(([k, x]) => [k, shuffle(x, seed + 1)]));
    };
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
        fc.nat(10),
        (parameters, seed) => {
          const a: ChatRequest = { ...base, tools: [{ name: 't', parameters }] };
          const b: ChatRequest = {
            ...base,
            tools: [{ name: 't', parameters: shuffle(parameters, seed) as Record<string, unknown> }],
          };
          const sa = shapeOpenAIRequest(a, { facts: gpt, tenant: 'acme' });
          const sb = shapeOpenAIRequest(b, { facts: gpt, tenant: 'acme' });
          expect(JSON.stringify(sb.body)).toBe(JSON.stringify(sa.body));
        },
      ),
    );
  });
});
