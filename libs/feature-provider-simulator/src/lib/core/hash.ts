import { createHash } from 'node:crypto';
import { seededRandom as mulberry32 } from '@deja/util-random';

/**
 * Hex SHA-256 of the parts, encoded as a JSON array so `["ab","c"]` and `["a","bc"]` differ
 * (one native stringify and one update: prompts have thousands of parts).
 */
export function sha256(...parts: readonly string[]): string {
  return sha256Of(parts);
}

/**
 * {@link sha256} of an array, for prompts of any length: spreading 100,000+ tokens into a call's
 * arguments throws `RangeError` (the argument list lives on the stack).
 */
export function sha256Of(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Appends `items` to `target` one by one: `target.push(...items)` throws on very long arrays. */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** Short, stable id for logs and answers. */
export function shortHash(...parts: readonly string[]): string {
  return sha256(...parts).slice(0, 10);
}

/** JSON with object keys sorted, so equal values serialise to equal bytes. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** Deterministic PRNG (mulberry32) seeded from a string: same seed, same sequence. */
export function seededRandom(seed: string): () => number {
  return mulberry32(Number.parseInt(sha256(seed).slice(0, 8), 16));
}
