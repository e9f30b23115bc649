/**
 * Deterministic token counting shared by the provider simulator and the LLM worker, so both
 * agree on every count. It approximates a BPE tokenizer; it is not any provider's tokenizer.
 *
 * Algorithm (stable: changing it changes every simulated count):
 * 1. Pre-tokenize like GPT-2/cl100k: English contractions, a run of letters with an optional
 *    leading space, a run of digits with an optional leading space, a run of other
 *    non-space symbols with an optional leading space, and runs of whitespace.
 * 2. Split each piece into tokens of at most: 8 characters for ASCII letter runs (so most
 *    English words are one token and long words two or three), 3 digits for numbers,
 *    2 characters for symbol runs and for non-ASCII letter runs (CJK is about a token per
 *    one or two characters), and 8 characters for whitespace runs.
 * English prose comes out at about 4.5 characters (0.8 words) per token, close to the real
 * tokenizers; code and non-English text are rougher.
 */
const PIECE = /'(?:s|t|re|ve|m|ll|d)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const ASCII_LETTERS = /^ ?[A-Za-z]+$/;
const DIGITS = /^ ?\p{N}+$/u;
const SPACES = /^\s+$/;

function chunkSize(piece: string): number {
  if (ASCII_LETTERS.test(piece)) return 8;
  if (DIGITS.test(piece)) return piece.startsWith(' ') ? 4 : 3;
  if (SPACES.test(piece)) return 8;
  return 2;
}

/** Splits `text` into the tokens `countTokens` counts; joining them gives `text` back. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    const size = chunkSize(piece);
    const chars = Array.from(piece);
    if (chars.length <= size) {
      tokens.push(piece);
      continue;
    }
    for (let i = 0; i < chars.length; i += size) tokens.push(chars.slice(i, i + size).join(''));
  }
  return tokens;
}

/** Number of tokens in `text` (see `tokenize`). Empty text is 0 tokens. */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : tokenize(text).length;
}
