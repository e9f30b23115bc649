/**
 * mulberry32: a tiny seeded PRNG, so a sample, a shuffle or a simulated answer is the same on
 * every run and every machine. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `k` distinct items drawn without replacement, in draw order: a partial Fisher–Yates shuffle
 * driven by {@link seededRandom}, so the first `k` slots are a uniform sample.
 */
export function seededSample<T>(items: readonly T[], k: number, seed: number): T[] {
  const copy = [...items];
  const random = seededRandom(seed);
  const n = Math.min(k, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}
