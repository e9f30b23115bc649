import { readFileSync } from 'node:fs';
import { seededSample } from '@deja/util-random';

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

/** A seeded random sample of `limit` items (all of them, in file order, without a limit). */
export function samplePairs<T>(items: readonly T[], limit: number | undefined, seed: number): T[] {
  if (limit === undefined || limit >= items.length) return [...items];
  return seededSample(items, limit, seed);
}
