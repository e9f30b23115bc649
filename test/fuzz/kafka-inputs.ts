import fc from 'fast-check';

/** One generated Kafka message, and the dead-letter reason code it must produce. */
export interface KafkaCase {
  value: Buffer | null;
  kind: string;
  /** Reason codes acceptable for this kind (random JSON may fail as either). */
  codes: string[];
}

const MALFORMED = ['malformed_json'];
const SCHEMA = ['schema_violation'];
const EITHER = ['malformed_json', 'schema_violation'];

/** A valid value per topic: the base that mutations break. */
export function validValue(topic: string, run: string, i: number): Record<string, unknown> {
  const at = new Date().toISOString();
  const tenant = `fuzz-kafka-${run}`;
  const request = {
    provider: 'openai',
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `kafka fuzz question ${run} ${i}` }],
    params: {},
  };
  const cache = { namespace: 'default', lookup: true, store: true, personal: false, context_docs: [] };
  switch (topic) {
    case 'deja.requests.v1':
      return { request_id: `fz-${run}-valid-${i}`, tenant, submitted_at: at, request, cache };
    case 'deja.completions.v1':
      return {
        request_id: `fz-${run}-c-${i}`,
        tenant,
        submitted_at: at,
        request,
        cache,
        status: 'completed',
        answer: { content: 'x', finish_reason: 'stop' },
        usage: { input_tokens: 1, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 1 },
        cost: { usd: 0, uncached_usd: 0, saved_usd: 0 },
        error: null,
        complete: true,
        provider_latency_ms: 1,
      };
    case 'deja.doc-changes.v1':
      return { event_id: `fz-${run}-d-${i}`, tenant, doc_id: `doc-${i}`, change: 'updated', at };
    case 'deja.invalidations.v1':
      return { event_id: `fz-${run}-i-${i}`, tenant, action: 'purge_namespace', namespace: `fz-${run}`, at };
    default:
      throw new Error(`no valid value for ${topic}`);
  }
}

/** Required top-level fields per topic (removing one must fail the schema). */
const REQUIRED: Record<string, string[]> = {
  'deja.requests.v1': ['request_id', 'tenant', 'submitted_at', 'request'],
  'deja.completions.v1': ['request_id', 'tenant', 'status', 'usage', 'cost', 'complete', 'answer', 'error'],
  'deja.doc-changes.v1': ['event_id', 'tenant', 'doc_id', 'change', 'at'],
  'deja.invalidations.v1': ['event_id', 'tenant', 'action', 'at'],
};

/** Values that are never valid for any field of these schemas (all fields are typed, bounded, or enums). */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  fc.constant({ nested: { deeper: true } }),
  fc.constant(-1.5),
  fc.constant('x'.repeat(5_000)),
);

/** Printable ASCII filler, so the dead-letter copy of a huge value stays within the broker's 1 MB limit. */
function filler(n: number): string {
  return 'huge-'.repeat(Math.ceil(n / 5)).slice(0, n);
}

/** Garbage for one topic. `huge` values are 100–400 KB. */
export function garbage(topic: string, run: string): fc.Arbitrary<KafkaCase> {
  const base = validValue(topic, run, 0);
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o));
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .uint8Array({ minLength: 0, maxLength: 2_048 })
        .map((b): KafkaCase => ({ value: Buffer.from(b), kind: 'random-bytes', codes: EITHER })),
    },
    // Bytes that are never UTF-8 (a lone continuation byte first).
    {
      weight: 2,
      arbitrary: fc.uint8Array({ minLength: 0, maxLength: 256 }).map((b): KafkaCase => ({
        value: Buffer.concat([Buffer.from([0x80]), Buffer.from(b)]),
        kind: 'invalid-utf8',
        codes: MALFORMED,
      })),
    },
    { weight: 1, arbitrary: fc.constant<KafkaCase>({ value: null, kind: 'tombstone', codes: MALFORMED }) },
    // An opening brace and anything: almost always broken JSON, but `{` + `}` (and the like) parses,
    // and is then rightly a schema violation (seed 460476535 drew one).
    {
      weight: 1,
      arbitrary: fc.string({ maxLength: 200 }).map((s): KafkaCase => ({
        value: Buffer.from(`{${s}`),
        kind: 'broken-json',
        codes: parses(`{${s}`) ? SCHEMA : MALFORMED,
      })),
    },
    // JSON of the wrong shape.
    {
      weight: 3,
      arbitrary: fc
        .jsonValue({ maxDepth: 4 })
        .map((j): KafkaCase => ({ value: enc(j), kind: 'wrong-schema', codes: SCHEMA })),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(...REQUIRED[topic]).map((k): KafkaCase => {
        const copy: Record<string, unknown> = { ...base };
        delete copy[k];
        return { value: enc(copy), kind: `missing:${k}`, codes: SCHEMA };
      }),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...REQUIRED[topic]), wrongValue)
        .map(([k, v]): KafkaCase => ({ value: enc({ ...base, [k]: v }), kind: `wrong-type:${k}`, codes: SCHEMA })),
    },
    // Values that mimic another schema (a request on the completions topic and so on).
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('deja.requests.v1', 'deja.doc-changes.v1', 'deja.invalidations.v1', 'deja.completions.v1')
        .filter((t) => t !== topic && !(topic === 'deja.requests.v1' && t === 'deja.completions.v1'))
        .map((t): KafkaCase => ({ value: enc(validValue(t, run, 0)), kind: `other-schema:${t}`, codes: SCHEMA })),
    },
    // Deep nesting.
    {
      weight: 1,
      arbitrary: fc.integer({ min: 100, max: 20_000 }).map((d): KafkaCase => ({
        value: Buffer.from(`${'['.repeat(d)}${']'.repeat(d)}`),
        kind: 'deep-nesting',
        codes: SCHEMA,
      })),
    },
  );
}

/** A few huge values per topic: a huge JSON string where a bounded identifier is expected, or huge raw text. */
export function huge(topic: string, run: string): fc.Arbitrary<KafkaCase> {
  const base = validValue(topic, run, 0);
  return fc
    .tuple(fc.integer({ min: 100_000, max: 400_000 }), fc.boolean())
    .map(([n, inJson]): KafkaCase =>
      inJson
        ? { value: Buffer.from(JSON.stringify({ ...base, tenant: filler(n) })), kind: 'huge-field', codes: SCHEMA }
        : { value: Buffer.from(filler(n)), kind: 'huge-raw', codes: MALFORMED },
    );
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
