import { CacheOptions, ChatRequest, jsonDepthExceeds, MAX_JSON_DEPTH } from '../index';

/** `depth` levels of arrays around a leaf, built without recursion. */
function nested(depth: number, asObject = false): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

const request = (extra: Record<string, unknown>) => ({
  provider: 'openai',
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('jsonDepthExceeds', () => {
  it('measures scalars as depth 0 and each array or object as one level', () => {
    expect(jsonDepthExceeds('x', 0)).toBe(false);
    expect(jsonDepthExceeds([], 0)).toBe(true);
    expect(jsonDepthExceeds(nested(3), 3)).toBe(false);
    expect(jsonDepthExceeds(nested(4, true), 3)).toBe(true);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(jsonDepthExceeds(nested(100_000), MAX_JSON_DEPTH)).toBe(true);
  });
});

describe('ChatRequest free-form JSON depth', () => {
  // ~4,500 levels overflowed JSON.stringify on the way to Postgres: a retriable 503 for a caller's mistake.
  it.each([
    ['tool_choice', { tool_choice: nested(4_500) }, 'tool_choice'],
    ['response_format', { response_format: nested(4_500, true) }, 'response_format'],
    ['tools[].parameters', { tools: [{ name: 't', parameters: { p: nested(4_500, true) } }] }, 'tools.0.parameters'],
  ])('refuses %s nested 4,500 deep, naming the field', (_field, extra, path) => {
    const parsed = ChatRequest.safeParse(request(extra));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('accepts a realistic nested tool schema and tool_choice', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'object', properties: { b: { type: 'array', items: { type: 'string' } } } } },
    };
    const parsed = ChatRequest.safeParse(
      request({
        tools: [{ name: 't', parameters: schema }],
        tool_choice: { type: 'function', function: { name: 't' } },
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: nested(MAX_JSON_DEPTH - 2, true) } },
      }),
    );
    expect(parsed.success).toBe(true);
  });
});

describe('storable text in Deja options', () => {
  it.each([
    ['deja.user with a NUL', { user: 'u\u0000' }, 'user'],
    ['a context doc id with a lone surrogate', { context_docs: [{ id: 'd\ud800' }] }, 'context_docs.0.id'],
  ])('refuses %s', (_what, cache, path) => {
    const parsed = CacheOptions.safeParse(cache);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual([path]);
  });
});
