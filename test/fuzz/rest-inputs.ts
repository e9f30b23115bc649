import fc from 'fast-check';

/** One HTTP request the fuzzer sends, and whether it is certainly invalid. */
export interface RestCase {
  path: '/v1/jobs' | '/v1/chat/completions' | '/v1/messages';
  contentType: string | null;
  extraHeaders?: Record<string, string>;
  body: string | Buffer;
  /** What the case exercises (for failure messages and counts). */
  kind: string;
  /**
   * `invalid`: the API must refuse it with a 4xx. `odd`: unusual but possibly acceptable
   * (e.g. lossy UTF-8 decoding): it must not 5xx, and an accepted job must complete.
   */
  expect: 'invalid' | 'odd';
}

export type Endpoint = RestCase['path'];
export const ENDPOINTS: Endpoint[] = ['/v1/jobs', '/v1/chat/completions', '/v1/messages'];

/** A valid body for each endpoint, the base that mutations break. */
export function validBody(path: Endpoint, text: string): Record<string, unknown> {
  switch (path) {
    case '/v1/jobs':
      return {
        provider: 'openai',
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: text }],
        params: { temperature: 0 },
      };
    case '/v1/chat/completions':
      return { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], temperature: 0 };
    case '/v1/messages':
      return { model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: text }] };
  }
}

/** Required fields of each body whose removal must be refused. */
const REQUIRED: Record<Endpoint, string[]> = {
  '/v1/jobs': ['provider', 'model', 'messages'],
  '/v1/chat/completions': ['model', 'messages'],
  '/v1/messages': ['model', 'messages', 'max_tokens'],
};

/** Values of the wrong type for each typed top-level field. */
const notString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
const notArray = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
const notNumber = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const wrongTypes: Record<Endpoint, Record<string, fc.Arbitrary<unknown>>> = {
  '/v1/jobs': {
    provider: fc.oneof(notString, fc.constantFrom('gemini', 'OPENAI', '', 'openai ')),
    model: notString,
    messages: notArray,
    system: fc.oneof(fc.integer(), fc.boolean(), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer())),
    params: fc.oneof(fc.integer(), fc.string(), fc.constant({ temperature: 'hot' }), fc.constant({ bogus: 1 })),
    tools: notArray,
    id: fc.oneof(
      fc.integer(),
      fc.constant(''),
      fc.constant('has space'),
      fc.string({ minLength: 201, maxLength: 400 }),
    ),
  },
  '/v1/chat/completions': {
    model: notString,
    messages: notArray,
    temperature: notNumber,
    max_tokens: fc.oneof(notNumber, fc.constant(-1), fc.constant(1.5)),
    n: fc.integer({ min: 2, max: 10 }),
    logprobs: fc.constant(true),
    web_search_options: fc.constant({}),
    stream: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })),
  },
  '/v1/messages': {
    model: notString,
    messages: notArray,
    max_tokens: fc.oneof(notNumber, fc.constant(0), fc.constant(-5)),
    system: fc.oneof(fc.integer(), fc.boolean()),
    // Refused fields (top_k is forwarded now, so it is no longer certainly invalid).
    thinking: fc.integer({ min: 1024, max: 4096 }).map((budget_tokens) => ({ type: 'enabled', budget_tokens })),
    container: fc.string({ minLength: 1, maxLength: 8 }),
    temperature: notNumber,
  },
};

/** Message-level breakage: roles, content types, unsupported parts. */
const badMessages = fc.oneof(
  fc.constant([]),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null)), { minLength: 1, maxLength: 3 }),
  fc.record({ role: fc.constantFrom('wizard', '', 'USER', 'root'), content: fc.constant('hi') }).map((m) => [m]),
  fc
    .record({
      role: fc.constant('user'),
      content: fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
      ),
    })
    .map((m) => [m]),
  fc.constant([
    { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
  ]),
  fc.constant([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/y.png' } }] }]),
);

/** `deja` options that must be refused: unknown keys (a tenant, a scope) and out-of-range values. */
function badDeja(victim: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant({ tenant: victim }),
    fc.constant({ namespace: 'default', tenant: victim, scope: { tenant: victim } }),
    fc.constant({ scope_hash: 'a'.repeat(64) }),
    fc.record({
      namespace: fc.oneof(
        fc.constant(''),
        fc.constant('a b'),
        fc.constant(`${victim}:default`),
        fc.string({ minLength: 101, maxLength: 150 }),
        fc.constant('ns/../other'),
      ),
    }),
    fc.record({
      threshold: fc.oneof(
        fc.double({ min: 1.0001, max: 100, noNaN: true }),
        fc.double({ min: -100, max: -0.0001, noNaN: true }),
        fc.string({ maxLength: 4 }),
      ),
    }),
    fc.record({ ttl_seconds: fc.oneof(fc.constant(0), fc.constant(-1), fc.constant(1.5), fc.constant(1e12)) }),
    // Valid numbers outside the (default) namespace's bounds: the gateway refuses them before
    // storing a job (they used to come back as 502 upstream_failed with a failed job stored).
    fc.record({ threshold: fc.oneof(fc.constant(0.5), fc.double({ min: 0, max: 0.8499, noNaN: true })) }),
    fc.record({
      ttl_seconds: fc.oneof(fc.constant(31_536_000), fc.integer({ min: 7 * 24 * 3600 + 1, max: 31_536_000 })),
    }),
    fc.record({ user: fc.constantFrom('a\u0000b', '\ud800', 'x\udfff') }),
    fc.record({ context_docs: fc.constantFrom([{ id: 'd\u0000' }], [{ id: '\udc00' }]) }),
    fc.record({
      context_docs: fc.oneof(
        fc.constant('doc'),
        fc.constant([{ version: 1 }]),
        fc.constant([{ id: '', version: 1 }]),
        fc.constant([{ id: 'd', version: -1 }]),
      ),
    }),
    fc.record({ lookup: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()) }),
    fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.array(fc.integer(), { maxLength: 2 })),
  );
}

/** Nesting `depth` levels of arrays or objects around a leaf, as text (JSON.stringify would recurse). */
function deepText(depth: number, asObject: boolean): string {
  return asObject ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/**
 * Free-form JSON fields (forwarded to the provider as they are) nested beyond any real schema, as
 * body text: `tool_choice`, `response_format` and a tool's parameter schema in each dialect.
 */
const DEEP_FIELDS: Record<Endpoint, Array<(deep: string) => string>> = {
  '/v1/jobs': [
    (d) => `"tool_choice":${d}`,
    (d) => `"response_format":${d}`,
    (d) => `"tools":[{"name":"t","parameters":{"p":${d}}}]`,
  ],
  '/v1/chat/completions': [
    (d) => `"tool_choice":${d}`,
    (d) => `"response_format":${d}`,
    (d) => `"tools":[{"type":"function","function":{"name":"t","parameters":{"p":${d}}}}]`,
  ],
  '/v1/messages': [(d) => `"tool_choice":${d}`, (d) => `"tools":[{"name":"t","input_schema":{"p":${d}}}]`],
};

function withField(body: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return { ...body, [key]: value };
}

function without(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...body };
  delete copy[key];
  return copy;
}

/** Certainly-invalid requests for one endpoint. `victim` is another tenant's id to spoof. */
export function invalidCase(path: Endpoint, victim: string): fc.Arbitrary<RestCase> {
  const json =
    (kind: string) =>
    (body: unknown): RestCase => ({
      path,
      contentType: 'application/json',
      body: JSON.stringify(body),
      kind,
      expect: 'invalid',
    });
  const base = validBody(path, 'What is the capital of France?');
  const typed = wrongTypes[path];
  return fc.oneof(
    // Not an object at all.
    fc
      .oneof(
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
        fc.integer(),
        fc.string({ maxLength: 30 }),
        fc.boolean(),
        fc.constant(null),
      )
      .map(json('not-an-object')),
    // A required field missing.
    fc.constantFrom(...REQUIRED[path]).map((k) => json('missing-field')(without(base, k))),
    // A field of the wrong type.
    fc
      .constantFrom(...Object.keys(typed))
      .chain((k) => typed[k].map((v) => json(`wrong-type:${k}`)(withField(base, k, v)))),
    // Broken messages.
    badMessages.map((m) => json('bad-messages')(withField(base, 'messages', m))),
    // Deja options naming another tenant or a scope, or out of range.
    badDeja(victim).map((d) => json('bad-deja')(withField(base, 'deja', d))),
    // Huge strings where they are bounded (model ≤ 200 characters, ids ≤ 200).
    fc.integer({ min: 201, max: 50_000 }).map((n) => json('huge-model')(withField(base, 'model', 'm'.repeat(n)))),
    // Deep nesting where a message list is expected.
    fc.tuple(fc.integer({ min: 50, max: 5_000 }), fc.boolean()).map(([d, o]): RestCase => ({
      path,
      contentType: 'application/json',
      body: `${JSON.stringify(without(base, 'messages')).slice(0, -1)},"messages":${deepText(d, o)}}`,
      kind: 'deep-nesting',
      expect: 'invalid',
    })),
    // Deep nesting in the free-form fields (a stack overflow on the way to Postgres answered 503).
    fc
      .tuple(fc.integer({ min: 100, max: 6_000 }), fc.boolean(), fc.constantFrom(...DEEP_FIELDS[path]))
      .map(([d, o, field]): RestCase => ({
        path,
        contentType: 'application/json',
        body: `${JSON.stringify(base).slice(0, -1)},${field(deepText(d, o))}}`,
        kind: 'deep-free-form',
        expect: 'invalid',
      })),
    // Malformed JSON text: truncated, or with trailing junk.
    fc
      .tuple(fc.integer({ min: 1, max: 60 }), fc.constantFrom('', ',', '}', 'x', ']]', ' NaN'))
      .map(([cut, junk]): RestCase => {
        const text = JSON.stringify(base);
        return {
          path,
          contentType: 'application/json',
          body: junk === '' ? text.slice(0, Math.max(1, text.length - cut)) : `${text}${junk}`,
          kind: 'malformed-json',
          expect: 'invalid',
        };
      }),
    // The body under a content type that is not JSON (no JSON parser runs: the body is missing).
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'application/octet-stream',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        null,
      )
      .map((ct): RestCase => ({
        path,
        contentType: ct,
        body: JSON.stringify(base),
        kind: `content-type:${ct ?? 'none'}`,
        expect: 'invalid',
      })),
    // JSON in a charset or encoding the server cannot read.
    fc.constantFrom('application/json; charset=utf-16', 'application/json; charset=latin-9000').map((ct): RestCase => ({
      path,
      contentType: ct,
      body: JSON.stringify(base),
      kind: 'charset',
      expect: 'invalid',
    })),
    fc.constantFrom('gzip', 'deflate', 'br', 'compress-9').map((enc): RestCase => ({
      path,
      contentType: 'application/json',
      extraHeaders: { 'content-encoding': enc },
      body: JSON.stringify(base),
      kind: `content-encoding:${enc}`,
      expect: 'invalid',
    })),
    // Random bytes.
    fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes): RestCase => ({
      path,
      contentType: 'application/json',
      body: Buffer.from(bytes),
      kind: 'random-bytes',
      expect: 'invalid',
    })),
  );
}

/** Valid bodies made odd: they may be accepted, but must never 5xx and must complete if accepted. */
export function oddCase(path: Endpoint, victim: string, nonce: () => string): fc.Arbitrary<RestCase> {
  return fc.oneof(
    // Raw invalid UTF-8 inside a JSON string.
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bad): RestCase => {
      const text = JSON.stringify(validBody(path, `odd utf8 ${nonce()} XX`));
      const [head, tail] = text.split('XX');
      const bytes = Uint8Array.from(bad, (b) => 0x80 | (b & 0x3f) | (b & 0x40 ? 0x40 : 0)); // continuation or lead bytes, never ASCII
      return {
        path,
        contentType: 'application/json',
        body: Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]),
        kind: 'invalid-utf8',
        expect: 'odd',
      };
    }),
    // Prompt text crafted to look like another tenant's canonical scope.
    fc
      .constantFrom(
        `{"v":1,"tenant":"${victim}","provider":"openai","model":"gpt-4o-mini","namespace":"default"}`,
        `tenant=${victim}; namespace=default; ignore previous scope`,
        `"}],"tenant":"${victim}","deja":{"namespace":"default"`,
      )
      .map((spoof): RestCase => ({
        path,
        contentType: 'application/json',
        body: JSON.stringify(validBody(path, `${spoof} ${nonce()}`)),
        kind: 'scope-spoof-text',
        expect: 'odd',
      })),
    // Headers that name another tenant.
    fc.constantFrom('x-deja-tenant', 'x-tenant-id', 'x-tenant', 'x-forwarded-user').map((h): RestCase => ({
      path,
      contentType: 'application/json',
      extraHeaders: { [h]: victim },
      body: JSON.stringify(validBody(path, `header spoof ${nonce()}`)),
      kind: 'header-spoof',
      expect: 'odd',
    })),
    // Text Postgres cannot store (NUL, half a surrogate pair): a 400, not a retriable 503. And
    // questions whose simulated answer (the first 300 UTF-16 units) cuts an emoji in half: the
    // job must still complete (the answer is delivered even when it cannot be cached).
    fc
      .constantFrom('a\u0000b', 'a\ud800b', 'x\udc00', `e2 ${'🙂'.repeat(200)}`, `e3 ${'🙂'.repeat(200)}`)
      .map((t): RestCase => ({
        path,
        contentType: 'application/json',
        body: JSON.stringify(validBody(path, `${t} ${nonce()}`)),
        kind: 'unstorable-text',
        expect: 'odd',
      })),
    // Long but bounded strings and unicode.
    fc
      .tuple(fc.integer({ min: 1_000, max: 60_000 }), fc.constantFrom('a', 'é', '日本', ' '))
      .map(([n, ch]): RestCase => ({
        path,
        contentType: 'application/json',
        body: JSON.stringify(validBody(path, `${nonce()} ${ch.repeat(Math.floor(n / ch.length))}`)),
        kind: 'long-text',
        expect: 'odd',
      })),
  );
}

/** One admin request the fuzzer sends; every one must be refused with a 400. */
export interface AdminCase {
  method: 'POST' | 'GET';
  path: string;
  body?: string;
  kind: string;
}

/** Text Postgres cannot store, in a field of an otherwise valid value. */
const unstorable = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'a\udfffb', 'x\ud83d', '\u0000\ud800');

/**
 * Admin invalidation requests carrying text Postgres cannot store (NUL, lone surrogates) in each
 * string field: they used to be accepted (202) and dead-lettered, answer 503 (`doc-changes`) or
 * 500 (`GET …/invalidations/a%00b`).
 */
export function adminInvalidCase(tenant: string): fc.Arbitrary<AdminCase> {
  const post = (path: string, kind: string) => (body: Record<string, unknown>) => ({
    method: 'POST' as const,
    path,
    body: JSON.stringify({ tenant, ...body }),
    kind,
  });
  return fc.oneof(
    unstorable.map((u) => post('/v1/admin/invalidations', 'purge:event_id')({ action: 'purge_tenant', event_id: u })),
    unstorable.map((u) => post('/v1/admin/invalidations', 'purge:query')({ action: 'purge_query', query: `q ${u}` })),
    unstorable.map((u) => post('/v1/admin/invalidations', 'purge:doc_id')({ action: 'purge_document', doc_id: u })),
    unstorable.map((u) => post('/v1/admin/invalidations', 'purge:user')({ action: 'purge_user', user: u })),
    unstorable.map((u) => post('/v1/admin/invalidations', 'purge:entry_id')({ action: 'purge_entry', entry_id: u })),
    unstorable.map((u) =>
      post('/v1/admin/invalidations', 'bump:reason')({ action: 'bump_namespace', namespace: 'n', reason: u }),
    ),
    unstorable.map((u) => post('/v1/admin/doc-changes', 'doc-change:doc_id')({ doc_id: u, change: 'updated' })),
    unstorable.map((u) =>
      post('/v1/admin/doc-changes', 'doc-change:event_id')({ doc_id: 'd', change: 'deleted', event_id: u }),
    ),
    fc.constantFrom('a%00b', '%00', 'x%00%00').map((id) => ({
      method: 'GET' as const,
      path: `/v1/admin/invalidations/${id}`,
      kind: 'event-status:event_id',
    })),
    // A surrogate's UTF-8 bytes are not UTF-8 at all: the path cannot be decoded (400, no field).
    fc.constantFrom('a%ED%A0%80b', '%ED%BF%BF').map((id) => ({
      method: 'GET' as const,
      path: `/v1/admin/invalidations/${id}`,
      kind: 'event-status-undecodable',
    })),
  );
}
