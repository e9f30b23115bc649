import type { OverviewRow } from './console.repository';

/** The spans the Overview offers, each cut into buckets small enough to chart and large enough to mean something. */
export const OVERVIEW_WINDOWS = {
  hour: { span: '1 hour', bucket: '5 minutes' },
  day: { span: '1 day', bucket: '1 hour' },
  week: { span: '7 days', bucket: '6 hours' },
} as const;
export type OverviewWindowName = keyof typeof OVERVIEW_WINDOWS;
export type OverviewWindow = (typeof OVERVIEW_WINDOWS)[OverviewWindowName];

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
