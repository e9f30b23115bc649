import type { RequestV1, ToolDefinition } from '@deja/contracts';
import fc from 'fast-check';
import { deriveCacheKeys, deriveScope, queryText } from './scope';
import { MAX_SEMANTIC_QUERY_CHARS } from './text';

const versions = { namespaceVersion: 1, docVersions: {} as Record<string, number> };
/** The scope hash of `request()` as computed before provider fields joined the scope (key version 2: case-aware exact tier). */
const GOLDEN_HASH = '181361df7be63e121e27c768553ea4cca01421060af059b34bb14d84c3990d65';

function request(
  overrides: { request?: Partial<RequestV1['request']>; cache?: Partial<RequestV1['cache']>; tenant?: string } = {},
): RequestV1 {
  return {
    request_id: 'r-1',
    tenant: overrides.tenant ?? 'acme',
    submitted_at: '2026-01-01T00:00:00Z',
    request: {
      provider: 'openai',
      model: 'gpt-4o-mini',
      system: 'You are helpful.',
      messages: [{ role: 'user', content: 'How do I reset my password?' }],
      params: { temperature: 0 },
      ...overrides.request,
    },
    cache: { namespace: 'faq', lookup: true, store: true, personal: false, context_docs: [], ...overrides.cache },
  };
}

function hash(req: RequestV1, v = versions): string {
  const result = deriveScope(req, v);
  if (!result.cacheable) throw new Error(result.reason);
  return result.scopeHash;
}

describe('deriveScope', () => {
  it('hashes the same scope to the same sha256 hex whatever the final question', () => {
    const a = hash(request());
    const b = hash(request({ request: { messages: [{ role: 'user', content: 'Totally different question' }] } }));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });

  it.each<[string, RequestV1]>([
    ['tenant', request({ tenant: 'globex' })],
    ['provider', request({ request: { provider: 'anthropic' } })],
    ['model', request({ request: { model: 'gpt-4o' } })],
    ['system prompt', request({ request: { system: 'You are rude.' } })],
    ['system prompt case', request({ request: { system: 'you are helpful.' } })],
    ['tools', request({ request: { tools: [{ name: 'search' }] } })],
    ['tool_choice', request({ request: { tool_choice: 'required' } })],
    ['response_format', request({ request: { response_format: { type: 'json_object' } } })],
    ['temperature', request({ request: { params: { temperature: 0.7 } } })],
    ['max_tokens', request({ request: { params: { temperature: 0, max_tokens: 10 } } })],
    ['namespace', request({ cache: { namespace: 'pricing' } })],
    ['context docs', request({ cache: { context_docs: [{ id: 'doc-1' }] } })],
    [
      'earlier turns',
      request({
        request: {
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello' },
            { role: 'user', content: 'How do I reset my password?' },
          ],
        },
      }),
    ],
    ['personal user', request({ cache: { personal: true, user: 'u-1' } })],
    [
      'final message name',
      request({ request: { messages: [{ role: 'user', content: 'How do I reset my password?', name: 'ada' }] } }),
    ],
  ])('changes when the %s changes', (_name, changed) => {
    expect(hash(changed)).not.toBe(hash(request()));
  });

  it('changes with the namespace version and with each document version', () => {
    const withDoc = request({ cache: { context_docs: [{ id: 'd1' }] } });
    expect(hash(withDoc, { namespaceVersion: 2, docVersions: {} })).not.toBe(hash(withDoc));
    expect(hash(withDoc, { namespaceVersion: 1, docVersions: { d1: 3 } })).not.toBe(hash(withDoc));
    expect(hash(withDoc, { namespaceVersion: 1, docVersions: { other: 3 } })).toBe(hash(withDoc));
  });

  it('ignores document order, JSON key order, line endings and trailing spaces', () => {
    const a = request({
      request: {
        system: 'Be brief.\nUse lists.',
        tools: [{ name: 't', parameters: { type: 'object', properties: { a: { type: 'string' } } } }],
        response_format: { type: 'json_schema', strict: true },
      },
      cache: { context_docs: [{ id: 'a' }, { id: 'b' }] },
    });
    const b = request({
      request: {
        system: [{ type: 'text', text: '  Be brief.  \r\nUse lists.\r\n' }],
        tools: [{ parameters: { properties: { a: { type: 'string' } }, type: 'object' }, name: 't' }],
        response_format: { strict: true, type: 'json_schema' },
      },
      cache: { context_docs: [{ id: 'b' }, { id: 'a' }] },
    });
    expect(hash(a)).toBe(hash(b));
  });

  it('includes tool calls and results of earlier turns', () => {
    const withTool = (result: string) =>
      request({
        request: {
          messages: [
            { role: 'user', content: 'Weather?' },
            {
              role: 'assistant',
              content: '',
              tool_calls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo","unit":"C"}' }],
            },
            { role: 'tool', tool_call_id: 'call_1', content: result },
            { role: 'user', content: 'And tomorrow?' },
          ],
        },
      });
    expect(hash(withTool('-3C'))).not.toBe(hash(withTool('+3C')));
    const reordered = withTool('-3C');
    reordered.request.messages[1].tool_calls = [
      { id: 'call_1', name: 'weather', arguments: '{ "unit": "C", "city": "Oslo" }' },
    ];
    expect(hash(reordered)).toBe(hash(withTool('-3C')));
  });

  it('changes when an earlier tool result failed (is_error) and with the participant name of earlier turns', () => {
    const withResult = (extra: { is_error?: boolean; name?: string }) =>
      request({
        request: {
          messages: [
            { role: 'user', content: 'Weather?', ...(extra.name ? { name: extra.name } : {}) },
            { role: 'assistant', content: '', tool_calls: [{ id: 't1', name: 'f', arguments: '{}' }] },
            { role: 'tool', tool_call_id: 't1', content: 'timeout', ...(extra.is_error ? { is_error: true } : {}) },
          ],
        },
      });
    expect(hash(withResult({ is_error: true }))).not.toBe(hash(withResult({})));
    expect(hash(withResult({ name: 'ada' }))).not.toBe(hash(withResult({})));
  });

  it('changes with provider fields that change the answer, and not with those that cannot', () => {
    const base = request();
    expect(hash(request({ request: { provider_params: { reasoning_effort: 'high' } } }))).not.toBe(hash(base));
    expect(hash(request({ request: { provider_params: { reasoning_effort: 'high' } } }))).not.toBe(
      hash(request({ request: { provider_params: { reasoning_effort: 'low' } } })),
    );
    expect(hash(request({ request: { tools: [{ name: 'search', strict: true }] } }))).not.toBe(
      hash(request({ request: { tools: [{ name: 'search' }] } })),
    );
    expect(hash(request({ request: { provider_hints: { user: 'u-1', service_tier: 'flex' } } }))).toBe(hash(base));
    expect(hash(request({ request: { provider_params: {} } }))).toBe(hash(base));
  });

  it('keeps the scope hash of a request without provider fields as it was before they existed', () => {
    // Pinned: entries stored before provider fields were scoped must still be found.
    expect(hash(request())).toBe(GOLDEN_HASH);
  });

  it('refuses a personal answer without a user', () => {
    const result = deriveScope(request({ cache: { personal: true } }), versions);
    expect(result).toMatchObject({ cacheable: false, reason: 'personal_without_user' });
  });

  it('keeps the user out of a shared (non-personal) scope', () => {
    expect(hash(request({ cache: { user: 'u-1' } }))).toBe(hash(request({ cache: { user: 'u-2' } })));
    expect(hash(request({ cache: { personal: true, user: 'u-1' } }))).not.toBe(
      hash(request({ cache: { personal: true, user: 'u-2' } })),
    );
  });

  it('refuses a request built from an older document version than the current one', () => {
    const req = request({ cache: { context_docs: [{ id: 'd1', version: 2 }] } });
    expect(deriveScope(req, { namespaceVersion: 1, docVersions: { d1: 3 } })).toMatchObject({
      cacheable: false,
      reason: 'stale_document_version',
    });
  });

  it('scopes to a declared version ahead of the registry, and reports the versions used', () => {
    const req = request({ cache: { context_docs: [{ id: 'd1', version: 4 }, { id: 'd2' }] } });
    const result = deriveScope(req, { namespaceVersion: 1, docVersions: { d1: 3, d2: 7 } });
    expect(result).toMatchObject({ cacheable: true, docVersions: { d1: 4, d2: 7 }, namespaceVersion: 1 });
  });

  it('rejects a malformed version from the caller of the API', () => {
    expect(() => deriveScope(request(), { namespaceVersion: -1, docVersions: {} })).toThrow(RangeError);
  });
});

describe('queryText and deriveCacheKeys', () => {
  it('embeds the final user message without its stable (cacheable) parts, which go to the scope', () => {
    const mk = (doc: string) =>
      request({
        request: {
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: doc, cacheable: true },
                { type: 'text', text: 'Summarise it.' },
              ],
            },
          ],
        },
      });
    expect(queryText(mk('Doc A'))).toBe('Summarise it.');
    expect(hash(mk('Doc A'))).not.toBe(hash(mk('Doc B')));
  });

  it('has no semantic tier when the conversation ends with a tool result', () => {
    const req = request({
      request: {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: '', tool_calls: [{ id: 'c', name: 'f', arguments: '{}' }] },
          { role: 'tool', tool_call_id: 'c', content: '42' },
        ],
      },
    });
    const keys = deriveCacheKeys(req, versions);
    expect(keys).toMatchObject({ cacheable: true, queryText: '', semanticEligible: false });
  });

  it('has no semantic tier for a question longer than the embedding model reads (exact tier only)', () => {
    const ask = (content: string) =>
      deriveCacheKeys(request({ request: { messages: [{ role: 'user', content }] } }), versions);
    expect(ask('a'.repeat(MAX_SEMANTIC_QUERY_CHARS))).toMatchObject({ cacheable: true, semanticEligible: true });
    const long = ask('a'.repeat(MAX_SEMANTIC_QUERY_CHARS + 1));
    expect(long).toMatchObject({ cacheable: true, semanticEligible: false });
    // Still keyed for the exact tier.
    if (!long.cacheable) throw new Error('expected cacheable');
    expect(long.queryHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('builds the miss key from the scope hash and the query hash', () => {
    const keys = deriveCacheKeys(request(), versions);
    if (!keys.cacheable) throw new Error('expected cacheable');
    expect(keys.missKey).toBe(`${keys.scopeHash}:${keys.queryHash}`);
    expect(keys.normalizedQuery).toBe('how do i reset my password');
  });
});

// ---- property tests ---------------------------------------------------------------------------
// An abstract scope model over small domains (so equal models are drawn often), rendered into a
// request with random irrelevant noise. Hashes must be equal exactly when the models are equal.

interface ScopeModel {
  tenant: string;
  provider: 'openai' | 'anthropic';
  model: string;
  system: string;
  tools: ToolDefinition[];
  temperature: number | undefined;
  maxTokens: number | undefined;
  responseFormat: unknown;
  namespace: string;
  namespaceVersion: number;
  docs: string[];
  docVersion: number;
  history: string[];
  personalUser: string | null;
  providerParams: Record<string, unknown> | undefined;
}

const scopeModel: fc.Arbitrary<ScopeModel> = fc.record({
  tenant: fc.constantFrom('t1', 't2', 't3'),
  provider: fc.constantFrom<'openai' | 'anthropic'>('openai', 'anthropic'),
  model: fc.constantFrom('m1', 'm2'),
  system: fc.constantFrom('', 'Be brief.', 'Be brief.\nUse lists.', 'be brief.', 'Be  brief.'),
  tools: fc.constantFrom<ToolDefinition[]>(
    [],
    [{ name: 'a', parameters: { type: 'object', x: 1 } }],
    [{ name: 'a', parameters: { type: 'object', x: 2 } }],
    [{ name: 'b' }],
    [{ name: 'b', strict: true }],
    [{ name: 'b', options: { input_examples: [{ q: 1 }] } }],
  ),
  temperature: fc.constantFrom<number | undefined>(undefined, 0, 0.5),
  maxTokens: fc.constantFrom<number | undefined>(undefined, 100),
  responseFormat: fc.constantFrom<unknown>(
    undefined,
    { type: 'json_object' },
    { type: 'json_schema', schema: { a: 1, b: 2 } },
  ),
  namespace: fc.constantFrom('default', 'faq'),
  namespaceVersion: fc.constantFrom(0, 1),
  docs: fc.subarray(['d1', 'd2', 'd3']),
  docVersion: fc.constantFrom(0, 1),
  history: fc.constantFrom<string[]>([], ['Hi'], ['Hi', 'Hello!']),
  personalUser: fc.constantFrom<string | null>(null, 'u1', 'u2'),
  providerParams: fc.constantFrom<Record<string, unknown> | undefined>(
    undefined,
    { reasoning_effort: 'low' },
    { reasoning_effort: 'high' },
    { reasoning_effort: 'low', logit_bias: { '50256': -100, '13': 5 } },
  ),
});

const noise = fc.record({
  reverseKeys: fc.boolean(),
  crlf: fc.boolean(),
  trailing: fc.constantFrom('', ' ', '  \t', '\n'),
  systemAsParts: fc.boolean(),
  shuffleDocs: fc.boolean(),
  question: fc.constantFrom('q1', 'What is it?', 'Something else'),
  nonPersonalUser: fc.constantFrom(undefined, 'someone'),
  /** Fields that cannot change the answer (forwarded, never scoped). */
  hints: fc.constantFrom<Record<string, unknown> | undefined>(undefined, { user: 'u-9' }, { metadata: { a: '1' } }),
  /** No provider params written as an empty object instead of left out. */
  emptyParamsAsObject: fc.boolean(),
});
type Noise = typeof noise extends fc.Arbitrary<infer T> ? T : never;

function reorder<T>(value: T, reverse: boolean): T {
  if (!reverse || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => reorder(v, reverse)) as T;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reorder(v, reverse)]),
  ) as T;
}

function render(
  m: ScopeModel,
  n: Noise,
): { req: RequestV1; versions: { namespaceVersion: number; docVersions: Record<string, number> } } {
  const text = (s: string) => (n.crlf ? s.replace(/\n/g, '\r\n') : s) + n.trailing;
  const history = m.history.map((content, i) => ({
    role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant',
    content: text(content),
  }));
  const docs = n.shuffleDocs ? [...m.docs].reverse() : m.docs;
  const req: RequestV1 = {
    request_id: 'r',
    tenant: m.tenant,
    submitted_at: '2026-01-01T00:00:00Z',
    request: reorder(
      {
        provider: m.provider,
        model: m.model,
        system: n.systemAsParts ? [{ type: 'text' as const, text: text(m.system) }] : text(m.system),
        messages: [...history, { role: 'user' as const, content: n.question }],
        tools: m.tools,
        response_format: m.responseFormat,
        params: { temperature: m.temperature, max_tokens: m.maxTokens },
        provider_params: m.providerParams ?? (n.emptyParamsAsObject ? {} : undefined),
        provider_hints: n.hints,
      },
      n.reverseKeys,
    ),
    cache: {
      namespace: m.namespace,
      lookup: true,
      store: true,
      personal: m.personalUser !== null,
      user: m.personalUser ?? n.nonPersonalUser,
      context_docs: docs.map((id) => ({ id })),
    },
  };
  return {
    req,
    versions: {
      namespaceVersion: m.namespaceVersion,
      docVersions: Object.fromEntries(m.docs.map((d) => [d, m.docVersion])),
    },
  };
}

/** Model equality, with the one documented equivalence: no documents → their version is moot. */
function sameScope(a: ScopeModel, b: ScopeModel): boolean {
  const norm = (m: ScopeModel) => ({
    ...m,
    docs: [...m.docs].sort(),
    docVersion: m.docs.length === 0 ? 0 : m.docVersion,
  });
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

describe('deriveScope properties', () => {
  it('gives equal hashes exactly when the scopes are equal, across tenants and noise', () => {
    // Half the time the second model is the first one, so the "equal" side is exercised too.
    const pair = scopeModel.chain((a) => fc.tuple(fc.constant(a), fc.oneof(fc.constant(a), scopeModel)));
    fc.assert(
      fc.property(pair, noise, noise, ([a, b], na, nb) => {
        const ra = render(a, na);
        const rb = render(b, nb);
        const equal = hash(ra.req, ra.versions) === hash(rb.req, rb.versions);
        expect(equal).toBe(sameScope(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('never lets two tenants share a scope', () => {
    fc.assert(
      fc.property(scopeModel, noise, (m, n) => {
        const other = { ...m, tenant: m.tenant === 't1' ? 't2' : 't1' };
        const a = render(m, n);
        const b = render(other, n);
        expect(hash(a.req, a.versions)).not.toBe(hash(b.req, b.versions));
      }),
    );
  });
});
