import { storableText, toJsonb } from './jsonb';

describe('toJsonb', () => {
  it('replaces lone surrogates and NUL, and keeps everything else as JSON.stringify does', () => {
    const value = {
      a: 'ok 🙂',
      cut: `x${'🙂'.slice(0, 1)}`,
      nul: 'a\u0000b',
      n: 1,
      nested: [{ s: '\udc00' }],
      none: null,
    };
    const parsed = JSON.parse(toJsonb(value)) as typeof value;
    expect(parsed).toEqual({
      a: 'ok 🙂',
      cut: 'x\uFFFD',
      nul: 'a\uFFFDb',
      n: 1,
      nested: [{ s: '\uFFFD' }],
      none: null,
    });
    expect(toJsonb({ a: 'plain', b: [1, 2] })).toBe(JSON.stringify({ a: 'plain', b: [1, 2] }));
  });

  it('leaves well-formed text untouched', () => {
    const s = 'déjà vu 日本 🙂';
    expect(storableText(s)).toBe(s);
  });
});
