import type { PromptCacheFacts } from '@deja/util-model-catalog';
import type { Clock } from './clock';
import { sha256 } from './hash';
import { PrefixCacheStore } from './prefix-cache-store';

export type OpenAIRetention = 'in_memory' | '24h';

export interface OpenAICachePlan {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly route: string;
  /** Chain hashes of the prefix at every step boundary (index k = first (k+1)·step tokens). */
  readonly stepHashes: readonly string[];
  readonly retention: OpenAIRetention;
  readonly facts: PromptCacheFacts;
}

/**
 * OpenAI's automatic prompt cache, as documented:
 * - prompts of `minCacheableTokens` (1,024) or more are cached without being asked;
 * - a hit covers the longest previously seen identical token prefix, rounded down to a
 *   multiple of `stepTokens` (128), and at least the minimum;
 * - requests reach a cache by a hash of the first `routingPrefixTokens` (~256) tokens plus
 *   `prompt_cache_key`: the same prefix under another key lands elsewhere and misses;
 * - in-memory retention drops an entry after `defaultTtlMs` idle (refreshed by hits) and at
 *   `maxAgeMs`; `prompt_cache_retention: "24h"` keeps it up to 24 h where the model supports it;
 * - caches are per organisation (here: per API key) and per model.
 */
export class OpenAIPromptCache {
  private readonly store: PrefixCacheStore;

  constructor(
    private readonly clock: Clock,
    maxEntries = 200_000,
  ) {
    this.store = new PrefixCacheStore(maxEntries);
  }

  plan(input: {
    scope: string;
    model: string;
    tokens: readonly string[];
    promptCacheKey?: string | null;
    retention?: OpenAIRetention | null;
    facts: PromptCacheFacts;
  }): OpenAICachePlan {
    const { tokens, facts } = input;
    const step = Math.max(1, facts.stepTokens);
    const route = sha256(
      input.scope,
      input.model,
      input.promptCacheKey ?? '',
      ...tokens.slice(0, facts.routingPrefixTokens),
    );
    const stepHashes: string[] = [];
    let hash = route;
    for (let end = step; end <= tokens.length; end += step) {
      hash = sha256(hash, ...tokens.slice(end - step, end));
      stepHashes.push(hash);
    }
    const retention: OpenAIRetention = input.retention === '24h' && facts.supportsExtendedTtl ? '24h' : 'in_memory';
    const plan = { promptTokens: tokens.length, cachedTokens: 0, route, stepHashes, retention, facts };
    if (facts.mode !== 'automatic') return plan;

    const now = this.clock.now();
    const firstStep = Math.ceil(facts.minCacheableTokens / step) - 1;
    for (let k = stepHashes.length - 1; k >= firstStep; k--) {
      if (this.store.lookup(stepHashes[k] ?? '', now)) return { ...plan, cachedTokens: (k + 1) * step };
    }
    return plan;
  }

  /** Refreshes what was read and stores every cacheable prefix of this prompt. */
  commit(plan: OpenAICachePlan, availableAt: number): void {
    const { facts } = plan;
    if (facts.mode !== 'automatic') return;
    const now = this.clock.now();
    const step = Math.max(1, facts.stepTokens);
    const extended = plan.retention === '24h';
    const ttlMs = extended ? facts.extendedTtlMs : facts.defaultTtlMs;
    const maxAgeMs = extended ? facts.extendedTtlMs : facts.maxAgeMs;
    const firstStep = Math.ceil(facts.minCacheableTokens / step) - 1;
    plan.stepHashes.forEach((hash, k) => {
      if (k < firstStep) return;
      if ((k + 1) * step <= plan.cachedTokens) this.store.touch(hash, now);
      this.store.put(hash, { ttlMs, maxAgeMs, availableAt, tokens: (k + 1) * step }, now);
    });
  }

  size(): number {
    return this.store.size(this.clock.now());
  }

  clear(): void {
    this.store.clear();
  }
}
