/** Verdict of one guard on a (query, cached entry's query) pair that already passed the threshold. */
export type GuardVerdict = { ok: true } | { ok: false; guard: GuardName; detail: string };

export type GuardName = 'numbers' | 'case' | 'negation' | 'antonyms' | 'direction' | 'entities' | 'categories';

/**
 * A false-hit guard: a cheap, symmetric, lexical check for a difference that sentence embeddings
 * are known to gloss over. It only ever vetoes a match; it never creates one.
 */
export interface Guard {
  name: GuardName;
  /** One line for reports: what difference it catches. */
  description: string;
  check(query: string, candidate: string): GuardVerdict;
}

export const PASS: GuardVerdict = Object.freeze({ ok: true });
