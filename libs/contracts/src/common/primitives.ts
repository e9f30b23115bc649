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

/** Errors on the wire say whether a retry can help. */
export const WireError = z.object({
  code: z.string().min(1).max(100),
  message: z.string().max(4000),
  retriable: z.boolean(),
});
export type WireError = z.infer<typeof WireError>;
