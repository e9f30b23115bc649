import { createHash } from 'node:crypto';

/** Recursively rebuilds `value` with object keys in sorted order (arrays keep their order). */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeys(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])] as const);
  return Object.fromEntries(entries) as T;
}

/** JSON with object keys sorted at every level: equal values always serialise to equal bytes. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

/** Hex SHA-256 of the parts, each length-prefixed so `["ab","c"]` and `["a","bc"]` differ. */
export function sha256(...parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const part of parts) h.update(`${part.length}:`).update(part);
  return h.digest('hex');
}
