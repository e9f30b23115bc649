import { createHash } from 'node:crypto';

/**
 * Deterministic JSON: object keys sorted by code unit, `undefined` members dropped (as
 * `JSON.stringify` does), arrays kept in order. Two values that mean the same JSON document
 * serialise to the same string whatever order their keys were written in.
 *
 * Throws on values JSON cannot represent faithfully (non-finite numbers, bigint, functions,
 * symbols, cycles) rather than silently turning them into `null` — a silent `null` could make
 * two different scopes hash alike.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

/** SHA-256 of a string, lowercase hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot represent a ${typeof value}`);
  }
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError('canonicalJson: cyclic value');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      // JSON.stringify writes `undefined` array slots as null; do the same so arrays keep their length.
      return `[${obj.map((item) => (item === undefined ? 'null' : write(item, seen))).join(',')}]`;
    }
    const maybeJson = obj as { toJSON?: () => unknown };
    if (typeof maybeJson.toJSON === 'function') return write(maybeJson.toJSON(), seen);
    const keys = Object.keys(obj)
      .filter((key) => (obj as Record<string, unknown>)[key] !== undefined)
      .sort();
    const members = keys.map((key) => `${JSON.stringify(key)}:${write((obj as Record<string, unknown>)[key], seen)}`);
    return `{${members.join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}
