import { readFileSync } from 'node:fs';

/** One labelled pair from a JSON-lines file: 1 = the answer to one may serve the other. */
export interface LabelledPair {
  textA: string;
  textB: string;
  label: 0 | 1;
  /** 1-based line in the source file, for reports. */
  line: number;
}

export interface ParsedPairs {
  pairs: LabelledPair[];
  /** Lines with `label: null` (kept for score curves elsewhere; not a decision label). */
  unlabelled: number;
  /** Lines that could not be used, with the reason. */
  errors: Array<{ line: number; message: string }>;
}

/** Parses `{"text_a","text_b","label"}` lines; bad lines are reported by number, never fatal. */
export function parsePairs(content: string): ParsedPairs {
  const out: ParsedPairs = { pairs: [], unlabelled: 0, errors: [] };
  const lines = content.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text.length === 0) return;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (error) {
      out.errors.push({ line, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      out.errors.push({ line, message: 'not a JSON object' });
      return;
    }
    const { text_a: textA, text_b: textB, label } = row as Record<string, unknown>;
    if (typeof textA !== 'string' || typeof textB !== 'string') {
      out.errors.push({ line, message: 'text_a and text_b must be strings' });
      return;
    }
    if (label === null) {
      out.unlabelled += 1;
      return;
    }
    if (label !== 0 && label !== 1) {
      out.errors.push({ line, message: `label must be 0, 1 or null, got ${JSON.stringify(label)}` });
      return;
    }
    out.pairs.push({ textA, textB, label, line });
  });
  return out;
}

export function readPairs(file: string): ParsedPairs {
  return parsePairs(readFileSync(file, 'utf8'));
}

/** mulberry32: a tiny seeded PRNG, so a sample is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded random sample of `limit` items (all of them, in file order, without a limit). */
export function samplePairs<T>(items: readonly T[], limit: number | undefined, seed: number): T[] {
  if (limit === undefined || limit >= items.length) return [...items];
  const random = seededRandom(seed);
  const copy = [...items];
  // Partial Fisher–Yates: the first `limit` slots end up a uniform sample.
  for (let i = 0; i < limit; i += 1) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, limit);
}
