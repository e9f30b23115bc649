import { planLatency } from './latency';

const model = { scale: 1, baseMs: 300, perInputTokenMs: 0.2, perCachedTokenMs: 0.02, perOutputTokenMs: 20 };

describe('planLatency', () => {
  it('charges prefill per uncached input token and much less per cached token', () => {
    const cold = planLatency(model, { uncachedTokens: 4000, cachedTokens: 0 });
    const warm = planLatency(model, { uncachedTokens: 10, cachedTokens: 3990 });
    expect(cold.ttftMs).toBeCloseTo(300 + 800, 6);
    expect(warm.ttftMs).toBeCloseTo(300 + 2 + 79.8, 6);
    expect(warm.ttftMs).toBeLessThan(cold.ttftMs / 2);
  });

  it('scales every figure, and 0 disables delays', () => {
    const scaled = planLatency({ ...model, scale: 0.1 }, { uncachedTokens: 1000, cachedTokens: 0 });
    expect(scaled.ttftMs).toBeCloseTo(50, 6);
    expect(scaled.perTokenMs).toBeCloseTo(2, 6);
    expect(planLatency({ ...model, scale: 0 }, { uncachedTokens: 1000, cachedTokens: 0 })).toEqual({
      ttftMs: 0,
      perTokenMs: 0,
    });
  });

  it('adds the unscaled extra of a slow fault to the time to first token', () => {
    expect(planLatency({ ...model, scale: 0 }, { uncachedTokens: 1, cachedTokens: 0 }, 2000).ttftMs).toBe(2000);
  });
});
