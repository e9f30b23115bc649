import type { Cost, Usage } from '@deja/contracts';
import type { ModelFacts, TokenUsage } from '@deja/util-model-catalog';
import { priceUsage, uncachedCost } from '@deja/util-model-catalog';

export const ZERO_USAGE: Usage = { input_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 0 };
export const ZERO_COST: Cost = { usd: 0, uncached_usd: 0, saved_usd: 0 };

/** Dollars to 1e-10: hides float noise (a saving of -2e-19) without losing a token's price. */
function round(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

/**
 * The cost ledger of one provider call, from the catalog's prices: what was spent with the
 * caching that happened (`usd`), what the same tokens cost with no caching at all
 * (`uncached_usd`), and the difference (`saved_usd`; negative when a cache write cost more
 * than it saved, as a first Anthropic call does).
 */
export function costOf(facts: ModelFacts, usage: TokenUsage): Cost {
  const usd = round(priceUsage(facts, usage));
  const uncached = round(uncachedCost(facts, usage));
  return { usd, uncached_usd: uncached, saved_usd: round(uncached - usd) };
}

/**
 * A coalesced follower made no provider call: it spent nothing, and saved the whole uncached
 * price of the call it shared. The leader alone carries the spend, so summing `usd` over all
 * completions gives the provider bill exactly once.
 */
export function followerCost(leader: Cost): Cost {
  return { usd: 0, uncached_usd: leader.uncached_usd, saved_usd: leader.uncached_usd };
}

/** The wire usage (the 1-hour write split is priced, not transmitted). */
export function wireUsage(usage: TokenUsage): Usage {
  return {
    input_tokens: usage.input_tokens,
    cache_write_tokens: usage.cache_write_tokens,
    cache_read_tokens: usage.cache_read_tokens,
    output_tokens: usage.output_tokens,
  };
}
