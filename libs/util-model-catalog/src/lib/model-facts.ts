/** Types of the provider/model fact table (`models.ts`). Data only: no behaviour lives here. */

export type Provider = 'anthropic' | 'openai';
export type ModelKind = 'chat' | 'embedding';

/** Prices in USD per million tokens and the multipliers applied to the input price. */
export interface ModelPricing {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  /** Price of a cache write with the default (short) lifetime, as a multiple of input. */
  readonly cacheWriteMultiplier: number;
  /** Price of a cache write with the extended lifetime, as a multiple of input. */
  readonly cacheWriteExtendedMultiplier: number;
  /** Price of a cache read, as a multiple of input. */
  readonly cacheReadMultiplier: number;
}

/**
 * How a model's provider-side prompt cache behaves.
 * - `explicit`: Anthropic — only prefixes ending at a `cache_control` breakpoint are cached.
 * - `automatic`: OpenAI — every long-enough prompt is cached in fixed token steps.
 * - `none`: no prompt cache (embedding models).
 */
export interface PromptCacheFacts {
  readonly mode: 'explicit' | 'automatic' | 'none';
  /** Shortest prefix that is cached at all; shorter prefixes are silently not cached. */
  readonly minCacheableTokens: number;
  /** Cached lengths grow in these steps above the minimum (OpenAI 128); 1 = any block boundary. */
  readonly stepTokens: number;
  /** Most `cache_control` breakpoints a request may carry (0 where not applicable). */
  readonly maxBreakpoints: number;
  /** How many blocks before a breakpoint the provider looks back for an earlier hit. */
  readonly lookbackBlocks: number;
  /** Default lifetime (ms) of an entry; sliding: refreshed on each hit. */
  readonly defaultTtlMs: number;
  /** Extended lifetime (ms): Anthropic `ttl: "1h"`, OpenAI `prompt_cache_retention: "24h"`. */
  readonly extendedTtlMs: number;
  /** Whether the extended lifetime can be requested for this model. */
  readonly supportsExtendedTtl: boolean;
  /** Upper bound on an entry's age however often it is hit (OpenAI in-memory: ~1 h). */
  readonly maxAgeMs: number;
  /** OpenAI: requests are routed to a cache machine by a hash of this many leading tokens. */
  readonly routingPrefixTokens: number;
}

/** Everything Deja relies on about one model. */
export interface ModelFacts {
  /** Canonical id, as the provider's API accepts it. */
  readonly id: string;
  readonly provider: Provider;
  readonly kind: ModelKind;
  readonly displayName: string;
  /** Other ids the provider accepts for the same model (dated snapshots, `-0` aliases). */
  readonly aliases: readonly string[];
  readonly pricing: ModelPricing;
  readonly promptCache: PromptCacheFacts;
  readonly contextWindowTokens: number;
  readonly maxOutputTokens: number;
  /** Embedding models: native vector length. */
  readonly embeddingDimensions?: number;
  /** Embedding models: whether a shorter `dimensions` may be requested. */
  readonly supportsDimensions?: boolean;
  /** Announced end-of-life date (ISO), when the provider has deprecated the model. */
  readonly retiresOn?: string;
  /** false only for the conservative stand-in returned for an unknown model. */
  readonly known: boolean;
}
