import { parsePairs, samplePairs } from './pairs';

describe('parsePairs', () => {
  it('keeps labelled rows, skips null labels and reports bad lines by number', () => {
    const content = [
      '{"text_a":"a","text_b":"b","label":1}',
      '{"text_a":"c","text_b":"d","label":null}',
      'not json',
      '',
      '{"text_a":"e","label":0}',
      '{"text_a":"e","text_b":"f","label":2}',
      '{"text_a":"g","text_b":"h","label":0,"score":1.2}',
    ].join('\n');
    const parsed = parsePairs(content);
    expect(parsed.pairs).toEqual([
      { textA: 'a', textB: 'b', label: 1, line: 1 },
      { textA: 'g', textB: 'h', label: 0, line: 7 },
    ]);
    expect(parsed.unlabelled).toBe(1);
    expect(parsed.errors.map((e) => e.line)).toEqual([3, 5, 6]);
    expect(parsed.errors[2].message).toContain('label must be 0, 1 or null');
  });
});

describe('samplePairs', () => {
  const items = Array.from({ length: 1000 }, (_, i) => i);

  it('returns the same sample for the same seed and a different one for another seed', () => {
    expect(samplePairs(items, 50, 7)).toEqual(samplePairs(items, 50, 7));
    expect(samplePairs(items, 50, 7)).not.toEqual(samplePairs(items, 50, 8));
  });

  it('samples without repeats and returns everything without a limit', () => {
    expect(new Set(samplePairs(items, 500, 1)).size).toBe(500);
    expect(samplePairs(items, undefined, 1)).toEqual(items);
  });
});
