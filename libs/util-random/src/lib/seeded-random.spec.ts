import { seededRandom, seededSample } from './seeded-random';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });
});

describe('seededSample', () => {
  it('draws the same distinct items for the same seed', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const a = seededSample(items, 10, 7);
    expect(seededSample(items, 10, 7)).toEqual(a);
    expect(new Set(a).size).toBe(10);
    expect(seededSample(items, 10, 8)).not.toEqual(a);
  });

  it('returns every item when asked for more than there are', () => {
    expect(seededSample([1, 2, 3], 10, 1).sort()).toEqual([1, 2, 3]);
  });
});
