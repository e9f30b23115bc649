import fc from 'fast-check';
import type { ScoredPair } from './evaluate';
import { confusionAt, curve, lowestThresholdMeeting, metrics, thresholdRange } from './evaluate';

const pairs: ScoredPair[] = [
  { similarity: 0.97, label: 1 },
  { similarity: 0.95, label: 0, vetoedBy: ['numbers'] },
  { similarity: 0.93, label: 1, vetoedBy: ['entities'] },
  { similarity: 0.91, label: 0 },
  { similarity: 0.85, label: 1 },
  { similarity: 0.5, label: 0, vetoedBy: ['numbers', 'entities'] },
];

describe('evaluation math', () => {
  it('counts served pairs as hits: similarity ≥ threshold and no selected guard vetoes', () => {
    expect(confusionAt(pairs, 0.9)).toEqual({ tp: 2, fp: 2, fn: 1, tn: 1 });
    expect(confusionAt(pairs, 0.9, 'all')).toEqual({ tp: 1, fp: 1, fn: 2, tn: 2 });
    expect(confusionAt(pairs, 0.9, ['numbers'])).toEqual({ tp: 2, fp: 1, fn: 1, tn: 2 });
  });

  it('derives precision, false-hit rate and recall', () => {
    const m = metrics({ tp: 2, fp: 2, fn: 1, tn: 1 }, 0.9);
    expect(m).toMatchObject({ precision: 0.5, falseHitRate: 0.5, recall: 2 / 3, hitRate: 4 / 6 });
    expect(metrics({ tp: 0, fp: 0, fn: 3, tn: 1 }, 0.99)).toMatchObject({
      precision: null,
      falseHitRate: null,
      recall: 0,
    });
  });

  it('finds the lowest threshold from which the false-hit rate stays within target', () => {
    const points = curve(pairs, [0.8, 0.9, 0.92, 0.94, 0.96, 0.98]);
    expect(lowestThresholdMeeting(points, { maxFalseHitRate: 0.02 })?.threshold).toBe(0.96);
    expect(lowestThresholdMeeting(curve(pairs, [0.8, 0.9, 0.92], 'all'), { maxFalseHitRate: 0.02 })?.threshold).toBe(
      0.92,
    );
    expect(lowestThresholdMeeting(points, { maxFalseHitRate: 0.02, minRecall: 0.5 })).toBeNull();
  });

  it('builds threshold ranges without floating-point drift', () => {
    expect(thresholdRange(0.8, 0.99, 0.01)).toHaveLength(20);
    expect(thresholdRange(0.8, 0.99, 0.01)).toContain(0.93);
    expect(thresholdRange(0.8, 0.99, 0.01).at(-1)).toBe(0.99);
  });

  it('partitions every pair and never raises recall with the threshold or with more guards', () => {
    const pair = fc.record({
      similarity: fc.double({ min: -1, max: 1, noNaN: true }),
      label: fc.constantFrom<0 | 1>(0, 1),
      vetoedBy: fc.subarray(['numbers', 'entities']),
    });
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 60 }), fc.double({ min: 0, max: 0.9, noNaN: true }), (ps, t) => {
        const c = confusionAt(ps, t);
        expect(c.tp + c.fp + c.fn + c.tn).toBe(ps.length);
        expect(confusionAt(ps, t + 0.1).tp).toBeLessThanOrEqual(c.tp);
        expect(confusionAt(ps, t, 'all').tp).toBeLessThanOrEqual(confusionAt(ps, t, ['numbers']).tp);
      }),
    );
  });
});
