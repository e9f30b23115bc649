import fc from 'fast-check';
import { canonicalPromptText, exactQueryForm, MAX_SEMANTIC_QUERY_CHARS, normalizeQuery, queryHash } from './text';

describe('normalizeQuery', () => {
  it.each([
    ['  What is   Deja?  ', 'what is deja'],
    ['What is the capital of France', 'what is the capital of france'],
    ['What is Deja', 'what is deja'],
    ['ｗｈａｔ\u00a0is deja', 'what is deja'],
    ['What\u2019s new?', "what's new"],
    ['Straße or strasse', 'strasse or strasse'],
    ['line one\n\tline two', 'line one line two'],
    ['zero\u200bwidth', 'zerowidth'],
  ])('folds presentation differences: %j → %j', (input, expected) => {
    expect(normalizeQuery(input)).toBe(expected);
  });

  it.each([
    ['What is 5!', 'what is 5!'],
    ['What is (n+1)!?', 'what is (n+1)!'],
    ['Is 10² more than 99?', 'is 10^2 more than 99'],
    ['H₂O or H2O', 'H_2O or H2O'],
    ['Use `Foo` or `foo`', 'use `Foo` or `foo`'],
    ['Call `getUser()`', 'call `getUser()`'],
  ])('keeps what changes meaning: %j → %j', (input, expected) => {
    expect(normalizeQuery(input)).toBe(expected);
  });

  describe('case folding (only where case cannot change what is asked)', () => {
    it.each([
      ['What is the capital of France', 'what is the capital of france?'],
      ['Where is Paris? Tell me.', 'where is paris? tell me'],
      ['A cat sat. A dog too', 'a cat sat. a dog too'],
      ['Can I reset my password', 'can i reset my password'],
      ["What's new in Straße", "what's new in strasse"],
    ])('still one exact key: %j ~ %j', (a, b) => {
      expect(normalizeQuery(a)).toBe(normalizeQuery(b));
    });

    it.each([
      ['How many uppercase letters are in the string ABCDEF', 'How many uppercase letters are in the string abcdef'],
      ['Is the password Hunter2 correct', 'Is the password hunter2 correct'],
      ['Is the password "Hunter" correct', 'Is the password "hunter" correct'],
      ["Is the password 'Secret' correct", "Is the password 'secret' correct"],
      ['Does my iPhone support it', 'Does my iphone support it'],
      ['What does getUser return', 'What does getuser return'],
      ['Is variable X larger than x', 'Is variable x larger than x'],
      ['WHAT IS DEJA', 'what is deja'],
      ['Call `getUser()`', 'Call `getuser()`'],
    ])('keeps apart: %j ≠ %j', (a, b) => {
      expect(normalizeQuery(a)).not.toBe(normalizeQuery(b));
    });

    it('does not mistake apostrophes for quotes', () => {
      expect(normalizeQuery("Don't the Users' Files work")).toBe("don't the users' files work");
    });
  });

  it('keeps signs and decimal points apart', () => {
    const forms = ['Is -5 prime?', 'Is 5 prime?', 'Is 0.5 prime?', 'Is 05 prime?', 'Is 5.0 prime?', 'Is −5 prime?'];
    const normal = forms.map(normalizeQuery);
    expect(new Set(normal.slice(0, 5)).size).toBe(5);
    expect(normal[5]).toBe(normal[0]);
  });

  it('never merges two texts whose digits, signs or decimal points differ', () => {
    const alphabet = fc.constantFrom('a', 'B', ' ', '1', '2', '-', '.', '?', '!', ',', 'x', '²', '½', '\u00a0', '`');
    const text = fc.array(alphabet, { maxLength: 14 }).map((chars) => chars.join(''));
    const meaningful = (s: string) =>
      s
        .replace(/²/g, '^2')
        .replace(/½/g, '1\u20442')
        .replace(/[^0-9\-.^\u2044!]/g, '')
        .replace(/[.!]+$/, '');
    fc.assert(
      fc.property(text, text, (a, b) => {
        if (normalizeQuery(a) === normalizeQuery(b)) {
          // Only trailing punctuation may be dropped; digits and signs inside must agree.
          expect(meaningful(normalizeQuery(a))).toBe(meaningful(normalizeQuery(b)));
          expect(a.replace(/[^0-9²½]/g, '').length > 0).toBe(b.replace(/[^0-9²½]/g, '').length > 0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(normalizeQuery(normalizeQuery(s))).toBe(normalizeQuery(s));
      }),
    );
  });

  it('gives queryHash as sha256 hex of the normal form', () => {
    expect(queryHash('What is Deja?')).toBe(queryHash('  what is deja '));
    expect(queryHash('What is Deja?')).toMatch(/^[0-9a-f]{64}$/);
    expect(queryHash('What is Deja?')).not.toBe(queryHash('What is Deja 2?'));
  });
});

describe('canonicalPromptText', () => {
  it('ignores line endings and trailing whitespace but keeps indentation', () => {
    expect(canonicalPromptText('You are terse.  \r\n  - rule one\t\r\n')).toBe('You are terse.\n  - rule one');
    expect(canonicalPromptText('a  b')).not.toBe(canonicalPromptText('a b'));
    expect(canonicalPromptText('Case')).not.toBe(canonicalPromptText('case'));
  });

  it('treats composed and decomposed characters as one', () => {
    expect(canonicalPromptText('caf\u00e9')).toBe(canonicalPromptText('cafe\u0301'));
  });
});

describe('exactQueryForm', () => {
  it('normalises question-length text, and keeps a long paste as written (case and indentation mean something there)', () => {
    expect(exactQueryForm('  How do I reset my password? ')).toBe(normalizeQuery('How do I reset my password?'));
    const code = `def f(x):\n    return X\n${'#'.repeat(MAX_SEMANTIC_QUERY_CHARS)}\r\n`;
    expect(exactQueryForm(code)).toBe(canonicalPromptText(code));
    expect(queryHash(code)).not.toBe(queryHash(code.replace('    return', '  return')));
    expect(queryHash(code)).not.toBe(queryHash(code.replace('X', 'x')));
    // Line endings and trailing whitespace still do not matter.
    expect(queryHash(code)).toBe(queryHash(code.replace('\r\n', '\n') + '  '));
  });
});
