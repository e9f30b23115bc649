import { z } from 'zod';

/** Identifiers that travel as Kafka keys and SQL values: bounded, printable, no control characters. */
export const Identifier = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@\-/]+$/, 'only letters, digits and . _ : @ - / are allowed');

export const TenantId = Identifier.describe('Tenant that owns the request; scope is never shared across tenants');
export const RequestId = Identifier.describe('Idempotency key: a request id is answered once');
export const Namespace = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'only letters, digits and . _ - are allowed')
  .describe('Cache namespace: its own threshold, TTL and version');

/**
 * Whether Postgres can hold the text in a `text` or `jsonb` column: no NUL character and no half
 * of a UTF-16 surrogate pair. Anything else is refused by the database with a data error, which a
 * caller would otherwise see only after the message was accepted (202) and then dead-lettered.
 */
export function isStorableText(s: string): boolean {
  return s.isWellFormed() && !s.includes('\u0000');
}
export const STORABLE_TEXT_MESSAGE = 'must be well-formed text without NUL (U+0000) or unpaired surrogates';

/** A bounded string Postgres can store (see {@link isStorableText}). */
export function storableString(min: number, max: number) {
  return z.string().min(min).max(max).refine(isStorableText, STORABLE_TEXT_MESSAGE);
}

/**
 * Deepest nesting accepted in the free-form JSON of a request (tool schemas, `tool_choice`,
 * `response_format`). Real tool schemas stay far below it (OpenAI's structured outputs allow 10
 * levels of properties, about 20 of JSON); unbounded nesting overflows the stack of every
 * recursive reader on the way (`JSON.stringify` at ~4,500 levels, canonical hashing, Postgres).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * True when `value` nests arrays/objects deeper than `max` levels (a scalar is depth 0). Walks
 * iteratively, so the check itself cannot overflow the stack it protects.
 */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Free-form JSON (forwarded to the provider as is), bounded in depth. */
export function boundedJson<T extends z.ZodType>(schema: T) {
  return schema.refine(
    (v) => !jsonDepthExceeds(v, MAX_JSON_DEPTH),
    `must not nest deeper than ${MAX_JSON_DEPTH} levels`,
  );
}

export const IsoTimestamp = z.iso.datetime({ offset: true });

/** Provider wire formats Deja speaks. */
export const Provider = z.enum(['openai', 'anthropic']);
export type Provider = z.infer<typeof Provider>;

/** Token usage normalised across providers; `input_tokens` counts uncached input only. */
export const Usage = z.object({
  input_tokens: z.number().int().nonnegative(),
  cache_write_tokens: z.number().int().nonnegative(),
  cache_read_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

/** Money in US dollars: what was spent, what it would have cost with no caching, and the difference. */
export const Cost = z.object({
  usd: z.number().nonnegative(),
  uncached_usd: z.number().nonnegative(),
  saved_usd: z.number(),
});
export type Cost = z.infer<typeof Cost>;

/**
 * The error a provider answered with, as it sent it, so the compatible endpoints can hand it on
 * unchanged: its HTTP status (an SDK picks its exception class from it) and its body's fields
 * (OpenAI `error.type` / `code` / `param`, Anthropic `error.type`), which caller code branches on.
 */
export const ProviderFault = z.object({
  status: z.number().int().min(400).max(599),
  type: z.string().max(200).nullable(),
  code: z.string().max(200).nullable(),
  param: z.string().max(500).nullable(),
  /** The provider's own message, without the SDK's status prefix. */
  message: z.string().max(4000),
  /** The provider's `retry-after`, when it sent one (429, 529). */
  retry_after_ms: z.number().int().nonnegative().max(3_600_000).nullable(),
});
export type ProviderFault = z.infer<typeof ProviderFault>;

/** Errors on the wire say whether a retry can help. */
export const WireError = z.object({
  code: z.string().min(1).max(100),
  message: z.string().max(4000),
  retriable: z.boolean(),
  /** Set when the failure is a provider's HTTP error answer (absent in messages of older producers). */
  provider_error: ProviderFault.optional(),
});
export type WireError = z.infer<typeof WireError>;
