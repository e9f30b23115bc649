/**
 * The text key the split joins questions by: full case folding, Unicode compatibility forms,
 * typographic quotes, whitespace runs and trailing sentence punctuation removed. Deliberately
 * the tool's own and frozen — it is the exact tier's normal form as of the first trained
 * weights — so that a change to the product's `normalizeQuery` (which decides cache keys, not
 * data splits) can never move a question from the test split into the training split.
 */
export function splitKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200b\u2060\ufeff\u00ad]/g, '')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/\u2212/g, '-')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/[\s?!.\u3002]+$/u, '');
}
