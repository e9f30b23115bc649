import fc from 'fast-check';
import { countTokens, tokenize } from './tokens';

describe('countTokens', () => {
  it('counts an empty string as zero tokens', () => {
    expect(countTokens('')).toBe(0);
  });

  it('counts common English words as one token each, with their leading space', () => {
    expect(tokenize('The cat sat on the mat.')).toEqual(['The', ' cat', ' sat', ' on', ' the', ' mat', '.']);
  });

  it('splits long words, long numbers and symbol runs into several tokens', () => {
    expect(tokenize('internationalization')).toEqual(['internat', 'ionaliza', 'tion']);
    expect(tokenize('1234567')).toEqual(['123', '456', '7']);
    expect(countTokens('!!!!')).toBe(2);
  });

  it('splits non-ASCII letter runs every two characters', () => {
    expect(tokenize('日本語です')).toEqual(['日本', '語で', 'す']);
    expect(tokenize(' café')).toEqual([' c', 'af', 'é']);
  });

  it('lands near 4–5 characters per token on English prose', () => {
    const prose =
      'Prompt caching lets a provider reuse the work it did on a long, unchanged prefix of a prompt. ' +
      'Applications that send the same system prompt with every request benefit the most from it.';
    const ratio = prose.length / countTokens(prose);
    expect(ratio).toBeGreaterThan(3.5);
    expect(ratio).toBeLessThan(6);
  });

  it('is lossless: joining the tokens gives the text back', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => tokenize(s).join('') === s));
  });

  it('is deterministic and additive up to one boundary token per join', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
        const joined = countTokens(a + b);
        return joined === countTokens(a + b) && Math.abs(joined - (countTokens(a) + countTokens(b))) <= 2;
      }),
    );
  });
});
