import { bucketLatency, LATENCY_GROWTH, percentile } from './overview';

describe('Overview latency histogram', () => {
  it('reports a percentile within 5 % of the latencies in its bucket', () => {
    // Bucket 40 holds (1.1^39, 1.1^40] ms, about 41.1 to 45.3 ms.
    const value = bucketLatency(40);
    expect(value).toBeGreaterThan(LATENCY_GROWTH ** 39 * 1.04);
    expect(value).toBeLessThan(LATENCY_GROWTH ** 40 / 1.04);
  });

  it('takes the nearest rank: p50 of 99 fast and 1 slow request is fast, p99 is the 99th', () => {
    const h = new Map([
      [10, 99],
      [60, 1],
    ]);
    expect(percentile(h, 0.5)).toBe(bucketLatency(10));
    expect(percentile(h, 0.99)).toBe(bucketLatency(10));
    expect(percentile(new Map([...h, [10, 98], [60, 2]]), 0.99)).toBe(bucketLatency(60));
  });

  it('has no percentile without requests', () => {
    expect(percentile(new Map(), 0.5)).toBeNull();
    expect(percentile(new Map([[3, 0]]), 0.5)).toBeNull();
  });
});
