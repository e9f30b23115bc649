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
// Capture groups name the class: 1 letters, 2 digits, 3 whitespace; otherwise symbols or a contraction.
const PIECE = /'(?:s|t|re|ve|m|ll|d)| ?(\p{L}+)| ?(\p{N}+)| ?[^\s\p{L}\p{N}]+|(\s+(?!\S)|\s+)/gu;
const NON_ASCII = /[^ -~\t\n\r]/; // anything but printable ASCII (letters here)

function chunkSize(match: RegExpMatchArray): number {
  const piece = match[0];
  if (match[1] !== undefined) return NON_ASCII.test(piece) ? 2 : 8;
  if (match[2] !== undefined) return piece.startsWith(' ') ? 4 : 3;
  if (match[3] !== undefined) return 8;
  return 2;
}

/** Splits `text` into the tokens `countTokens` counts; joining them gives `text` back. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    // Every chunk size is at least 2, and a UTF-16 length ≤ 2 is at most 2 code points.
    if (piece.length <= 2) {
      tokens.push(piece);
      continue;
    }
    const size = chunkSize(match);
    if (piece.length <= size) {
      tokens.push(piece);
      continue;
    }
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
