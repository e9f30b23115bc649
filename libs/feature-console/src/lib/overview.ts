import type { OverviewRow } from './overview.repository';

/**
 * The spans the Overview offers, each cut into buckets small enough to chart and large enough to
 * mean something. A window starts at the bucket that holds `now - span`, so every bucket is whole.
 * `rollup`: the buckets are whole hours, so closed hours come from the hourly roll-up instead of
 * the raw jobs (see overview.repository.ts).
 */
export const OVERVIEW_WINDOWS = {
  hour: { span: '1 hour', bucket: '5 minutes', rollup: false },
  day: { span: '1 day', bucket: '1 hour', rollup: true },
  week: { span: '7 days', bucket: '6 hours', rollup: true },
} as const;
export type OverviewWindowName = keyof typeof OVERVIEW_WINDOWS;
export type OverviewWindow = (typeof OVERVIEW_WINDOWS)[OverviewWindowName];

/**
 * Latencies are kept as a histogram of fixed buckets growing by 10 %: bucket k holds
 * (1.1^(k-1), 1.1^k] ms, bucket 0 everything up to 1 ms. Histograms of hours merge by summing, so
 * p50/p99 over a day or a week come from the roll-up, and the live part uses the same buckets:
 * one way to get a percentile, whatever the window. A percentile is reported as its bucket's
 * geometric middle, within 5 % of the true value.
 */
export const LATENCY_GROWTH = 1.1;
/** The last bucket (~53 h): anything slower lands in it. */
export const LATENCY_LAST_BUCKET = 200;

/** SQL: the histogram bucket of a latency in ms (`ms` is an SQL expression). */
export function latencyBucketSql(ms: string): string {
  return `least(${LATENCY_LAST_BUCKET}, ceil(ln(greatest(${ms}, 1)) / ln(${LATENCY_GROWTH})))::smallint`;
}

/** The latency a bucket stands for, in ms (rounded to 0.1). */
export function bucketLatency(bucket: number): number {
  const ms = bucket <= 0 ? 1 : LATENCY_GROWTH ** (bucket - 0.5);
  return Math.round(ms * 10) / 10;
}

/** A histogram: how many requests fell in each bucket. */
export type Histogram = ReadonlyMap<number, number>;

/** The nearest-rank `q`-quantile of a histogram, or null when it is empty. */
export function percentile(histogram: Histogram, q: number): number | null {
  const buckets = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((acc, [, n]) => acc + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [bucket, n] of buckets) {
    seen += n;
    if (seen >= rank) return bucketLatency(bucket);
  }
  return null; // not reached: the last bucket brings `seen` to `total` >= `rank`
}

export interface OverviewTotals {
  requests: number;
  exact_hits: number;
  semantic_hits: number;
  hit_rate: number | null;
  exact_hit_rate: number | null;
  semantic_hit_rate: number | null;
  /** Hits and coalesced misses: each one a provider call that was not made. */
  provider_calls_avoided: number;
  saved_usd: number;
  /** Saved by answering from the cache (hits, coalesced misses). */
  saved_usd_cache: number;
  /** Saved by the providers' prompt caching on the calls that went out. */
  saved_usd_prompt_cache: number;
  saved_tokens: number;
  prompt_cache_read_tokens: number;
}

/** Sums the buckets (percentiles are not summable: the chart shows them per bucket). */
export function totals(rows: readonly OverviewRow[]): OverviewTotals {
  const sum = (pick: (r: OverviewRow) => number | null) => rows.reduce((acc, r) => acc + (pick(r) ?? 0), 0);
  const requests = sum((r) => r.requests);
  const exact = sum((r) => r.exact_hits);
  const semantic = sum((r) => r.semantic_hits);
  const rate = (n: number) => (requests === 0 ? null : n / requests);
  return {
    requests,
    exact_hits: exact,
    semantic_hits: semantic,
    hit_rate: rate(exact + semantic),
    exact_hit_rate: rate(exact),
    semantic_hit_rate: rate(semantic),
    provider_calls_avoided: exact + semantic + sum((r) => r.coalesced),
    saved_usd: sum((r) => r.saved_usd),
    saved_usd_cache: sum((r) => r.saved_usd_cache),
    saved_usd_prompt_cache: sum((r) => r.saved_usd_prompt_cache),
    saved_tokens: sum((r) => r.saved_tokens),
    prompt_cache_read_tokens: sum((r) => r.prompt_cache_read_tokens),
  };
}
