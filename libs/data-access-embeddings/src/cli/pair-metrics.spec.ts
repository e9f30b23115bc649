import { bestAtFalseHitRate, rocAuc, spearman, thresholdGrid, thresholdRow } from './pair-metrics';

describe('rocAuc', () => {
  it('is 1 when every positive outscores every negative', () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
  });
  it('is 0.5 for scores that do not separate (all tied)', () => {
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
  });
  it('counts the share of positive–negative pairs ranked correctly', () => {
    // positives 0.9, 0.3; negatives 0.5, 0.1 → 3 of 4 pairs correct
    expect(rocAuc([0.9, 0.3, 0.5, 0.1], [1, 1, 0, 0])).toBe(0.75);
  });
});

describe('thresholdRow', () => {
  it('counts a hit at or above the threshold and derives precision, recall and false-hit rate', () => {
    const row = thresholdRow([0.95, 0.9, 0.9, 0.7], [1, 0, 1, 1], 0.9);
    expect(row).toMatchObject({
      tp: 2,
      fp: 1,
      fn: 1,
      tn: 0,
      recall: 2 / 3,
      precision: 2 / 3,
      falseHitRate: 1 / 3,
      hitRate: 0.75,
    });
  });
  it('reports no precision when nothing hits', () => {
    expect(thresholdRow([0.1], [1], 0.9).precision).toBeNaN();
  });
});

describe('thresholdGrid', () => {
  it('runs 0.80 to 0.99 in twenty clean steps', () => {
    const grid = thresholdGrid();
    expect(grid).toHaveLength(20);
    expect([grid[0], grid[3], grid[19]]).toEqual([0.8, 0.83, 0.99]);
  });
});

describe('bestAtFalseHitRate', () => {
  it('picks the lowest threshold that keeps false hits within the bound', () => {
    const scores = [0.99, 0.98, 0.97, 0.96, 0.95];
    const labels = [1, 1, 0, 1, 0];
    expect(bestAtFalseHitRate(scores, labels, 0)?.threshold).toBe(0.98);
    expect(bestAtFalseHitRate(scores, labels, 0.25)?.threshold).toBe(0.96);
  });
  it('is undefined when even the top score is a false hit', () => {
    expect(bestAtFalseHitRate([0.9], [0], 0.01)).toBeUndefined();
  });
});

describe('spearman', () => {
  it('is 1 for any monotone relation and -1 for a reversed one', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 25, 100])).toBeCloseTo(1, 10);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 10);
  });
});
