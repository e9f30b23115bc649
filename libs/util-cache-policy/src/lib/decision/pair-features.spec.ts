import { PAIR_FEATURE_NAMES, pairFeatures, textView } from './pair-features';

const feature = (a: string, b: string, name: (typeof PAIR_FEATURE_NAMES)[number], cosine = 0.9) =>
  pairFeatures(textView(a), textView(b), cosine)[PAIR_FEATURE_NAMES.indexOf(name)];

describe('pairFeatures', () => {
  it('is symmetric: the same vector whichever text is the query', () => {
    const a = textView('How do I reset my password? Answer in French.');
    const b = textView('I forgot my password, how can I change it?');
    expect(Array.from(pairFeatures(a, b, 0.91))).toEqual(Array.from(pairFeatures(b, a, 0.91)));
  });

  it('has one value per named feature, cosine first', () => {
    const f = pairFeatures(textView('a b'), textView('a c'), 0.5);
    expect(f).toHaveLength(PAIR_FEATURE_NAMES.length);
    expect(f[0]).toBe(0.5);
  });

  it('flags an appended instruction, a negation and a changed number', () => {
    expect(feature('What is DNS?', 'What is DNS? Be wrong.', 'instruction_mismatch')).toBe(1);
    expect(feature('Which foods are safe?', 'Which foods are not safe?', 'guard_negation')).toBe(1);
    expect(feature('What is 15% of 200?', 'What is 20% of 200?', 'guard_numbers')).toBe(1);
  });

  it('flags a token whose case carries meaning, but not a capital that starts a sentence', () => {
    expect(
      feature('Is the password Hunter2 correct', 'Is the password hunter2 correct', 'case_only_token_mismatch'),
    ).toBe(1);
    expect(feature('count letters in ABCDEF', 'count letters in abcdef', 'case_only_token_mismatch')).toBe(1);
    expect(feature('Paris is nice', 'paris is nice', 'case_only_token_mismatch')).toBe(0);
  });

  it('measures overlap: identical texts have full overlap and nothing unmatched', () => {
    const same = pairFeatures(textView('How do I bake bread?'), textView('How do I bake bread?'), 1);
    expect(same[PAIR_FEATURE_NAMES.indexOf('word_jaccard')]).toBe(1);
    expect(same[PAIR_FEATURE_NAMES.indexOf('token_lcs_ratio')]).toBe(1);
    expect(same[PAIR_FEATURE_NAMES.indexOf('unmatched_content_max')]).toBe(0);
  });
});
