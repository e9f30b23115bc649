import type { Guard, GuardVerdict } from './guard';
import { PASS } from './guard';
import { tokenize } from './tokenize';

const MARKERS = new Set([
  'not',
  'no',
  'never',
  'cannot',
  'without',
  'nobody',
  'nothing',
  'none',
  'neither',
  'nor',
  'nowhere',
  'unable',
  // Contractions typed without the apostrophe, common in real queries.
  'dont',
  'doesnt',
  'didnt',
  'cant',
  'couldnt',
  'wont',
  'wouldnt',
  'shouldnt',
  'isnt',
  'arent',
  'wasnt',
  'werent',
  'havent',
  'hasnt',
  'hadnt',
  'aint',
  'mustnt',
  'neednt',
]);

/** The negation markers of a text ("not", "never", "can't", "without", …), lower-cased. */
export function negationMarkers(text: string): string[] {
  // "whether or not", "yes or no", "why or why not", an interjected "No," and "No. 2" carry no polarity.
  const cleaned = text
    .replace(/\bor\s+(?:why\s+)?(?:not|no)\b/gi, ' ')
    .replace(/\bno\s*,/gi, ' ')
    .replace(/\bno\.\s*\d/gi, ' ');
  return tokenize(cleaned)
    .map((t) => t.lower)
    .filter((word) => MARKERS.has(word) || /n't$/.test(word));
}

/**
 * Polarity mismatch: one text is negated and the other is not ("Why does X work" vs "Why
 * doesn't X work", "coffee with sugar" vs "coffee without sugar"). Embeddings of such pairs are
 * nearly identical because the markers are short, frequent tokens.
 */
export const negationGuard: Guard = {
  name: 'negation',
  description: "one side is negated (not, never, can't, without, …) and the other is not",
  check(query: string, candidate: string): GuardVerdict {
    const a = negationMarkers(query);
    const b = negationMarkers(candidate);
    if (a.length > 0 === b.length > 0) return PASS;
    const [negated, which] = a.length > 0 ? [a, 'query'] : [b, 'cached'];
    return { ok: false, guard: 'negation', detail: `only the ${which} text is negated (${negated.join(', ')})` };
  },
};
