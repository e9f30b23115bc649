const WORDS = [
  ' cache',
  ' prefix',
  ' model',
  ' token',
  ' system',
  ' prompt',
  ' answer',
  ' vector',
  ' stream',
  ' policy',
];

/** Deterministic text of exactly `n` tokens (each word is one token), varied by `salt`. */
export function textOfTokens(n: number, salt = 0): string {
  let out = '';
  for (let i = 0; i < n; i++) out += WORDS[(i * 7 + salt) % WORDS.length];
  return out;
}
