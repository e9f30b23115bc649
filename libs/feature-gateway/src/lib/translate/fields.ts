import { unsupported } from './common';

/** A JSON object, for walking the raw body (zod drops keys it does not know). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What Deja does with one top-level field of a provider request. Every field of the SDKs'
 * request types has a rule (the tables are checked against the installed SDKs' types), so a
 * field is never dropped silently: it is honoured or refused with a 400 naming it.
 */
export type FieldRule =
  /** Read into the neutral request (prompt, tools, generation parameters): its scope covers it. */
  | { readonly kind: 'translated' }
  /** Forwarded unchanged and part of the cache scope: it can change the answer. */
  | { readonly kind: 'scoped' }
  /** Forwarded unchanged, not in the scope: it cannot change the answer (ids, metadata, tiers). */
  | { readonly kind: 'hint' }
  /** How Deja delivers the answer (streaming); not sent to the provider. */
  | { readonly kind: 'delivery' }
  /** Deja does it itself for every request (prompt-cache breakpoints); not forwarded. */
  | { readonly kind: 'managed' }
  /** Refused with a 400, unless `allows` accepts the value (e.g. `n: 1`, `logprobs: false`). */
  | { readonly kind: 'refused'; readonly why: string; readonly allows?: (value: unknown) => boolean };

export const translated: FieldRule = { kind: 'translated' };
export const scoped: FieldRule = { kind: 'scoped' };
export const hint: FieldRule = { kind: 'hint' };
export const delivery: FieldRule = { kind: 'delivery' };
export const managed: FieldRule = { kind: 'managed' };
export const refused = (why: string, allows?: (value: unknown) => boolean): FieldRule =>
  allows ? { kind: 'refused', why, allows } : { kind: 'refused', why };

/** The provider fields a request carries on, split by whether they belong to the cache scope. */
export interface ForwardedFields {
  readonly params: Record<string, unknown>;
  readonly hints: Record<string, unknown>;
}

/**
 * Applies a field table to a request body: collects the fields to forward and throws a 400
 * naming the first field that is refused or unknown (providers refuse unknown fields too).
 * `null` means "not set", as OpenAI clients send it.
 */
export function forwardFields(
  body: Readonly<Record<string, unknown>>,
  rules: Readonly<Record<string, FieldRule>>,
  api: string,
  prefix = '',
): ForwardedFields {
  const params: Record<string, unknown> = {};
  const hints: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    const path = `${prefix}${key}`;
    if (!rule) throw unsupported(path, `unknown field: not part of the ${api}`);
    if (rule.kind === 'scoped') params[key] = value;
    else if (rule.kind === 'hint') hints[key] = value;
    else if (rule.kind === 'refused' && !rule.allows?.(value)) throw unsupported(path, rule.why);
  }
  return { params, hints };
}

/** Only the fields present: an empty group is left out of the neutral request. */
export function nonEmpty(fields: Record<string, unknown>): Record<string, unknown> | undefined {
  return Object.keys(fields).length > 0 ? fields : undefined;
}
