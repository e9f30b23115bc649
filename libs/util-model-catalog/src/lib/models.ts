import type { ModelFacts, ModelPricing, PromptCacheFacts } from './model-facts';

/**
 * THE table of provider/model facts. Providers change these often; change them here and
 * nowhere else (code paths read this table, they never hard-code a price or a minimum).
 *
 * Sources, as published in 2026: Anthropic's prompt-caching and pricing pages; OpenAI's
 * pricing page and prompt-caching guide. Verified: 2026-11.
 * Note on OpenAI cached-input prices: gpt-4o family 50 % (0.5×, the source guide's figure),
 * gpt-4.1 family 75 % off (0.25×, $0.50 of $2.00), gpt-5 family 90 % off (0.1×).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Anthropic: writes 1.25× (5 min) or 2× (1 h) of input, reads 0.1×. */
function anthropicPricing(inputPerMTok: number, outputPerMTok: number): ModelPricing {
  return {
    inputPerMTok,
    outputPerMTok,
    cacheWriteMultiplier: 1.25,
    cacheWriteExtendedMultiplier: 2,
    cacheReadMultiplier: 0.1,
  };
}

/** OpenAI: writes are free (1×: billed as ordinary input) unless a family says otherwise. */
function openaiPricing(inputPerMTok: number, outputPerMTok: number, cacheReadMultiplier: number): ModelPricing {
  return { inputPerMTok, outputPerMTok, cacheWriteMultiplier: 1, cacheWriteExtendedMultiplier: 1, cacheReadMultiplier };
}

function anthropicCache(minCacheableTokens: number): PromptCacheFacts {
  return {
    mode: 'explicit',
    minCacheableTokens,
    stepTokens: 1,
    maxBreakpoints: 4,
    lookbackBlocks: 20,
    defaultTtlMs: 5 * MINUTE,
    extendedTtlMs: HOUR,
    supportsExtendedTtl: true,
    maxAgeMs: Number.POSITIVE_INFINITY,
    routingPrefixTokens: 0,
  };
}

/** In-memory retention: evicted after 5–10 min idle (we model 10), at most ~1 h. */
function openaiCache(supportsExtendedTtl: boolean): PromptCacheFacts {
  return {
    mode: 'automatic',
    minCacheableTokens: 1024,
    stepTokens: 128,
    maxBreakpoints: 0,
    lookbackBlocks: 0,
    defaultTtlMs: 10 * MINUTE,
    extendedTtlMs: 24 * HOUR,
    supportsExtendedTtl,
    maxAgeMs: HOUR,
    routingPrefixTokens: 256,
  };
}

const NO_CACHE: PromptCacheFacts = {
  mode: 'none',
  minCacheableTokens: Number.POSITIVE_INFINITY,
  stepTokens: 1,
  maxBreakpoints: 0,
  lookbackBlocks: 0,
  defaultTtlMs: 0,
  extendedTtlMs: 0,
  supportsExtendedTtl: false,
  maxAgeMs: 0,
  routingPrefixTokens: 0,
};

type Row = Omit<ModelFacts, 'known' | 'aliases'> & { aliases?: readonly string[] };

const ROWS: readonly Row[] = [
  // ── Anthropic ────────────────────────────────────────────────────────────────────────
  {
    id: 'claude-opus-4-6',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Opus 4.6',
    pricing: anthropicPricing(5, 25),
    promptCache: anthropicCache(4096),
    contextWindowTokens: 200_000,
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-opus-4-5',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Opus 4.5',
    aliases: ['claude-opus-4-5-20251101'],
    retiresOn: '2027-01-22',
    pricing: anthropicPricing(5, 25),
    promptCache: anthropicCache(4096),
    contextWindowTokens: 200_000,
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-opus-4-1',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Opus 4.1',
    aliases: ['claude-opus-4-1-20250805'],
    pricing: anthropicPricing(15, 75),
    promptCache: anthropicCache(1024),
    contextWindowTokens: 200_000,
    maxOutputTokens: 32_000,
  },
  {
    id: 'claude-opus-4-0',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Opus 4',
    aliases: ['claude-opus-4-20250514'],
    pricing: anthropicPricing(15, 75),
    promptCache: anthropicCache(1024),
    contextWindowTokens: 200_000,
    maxOutputTokens: 32_000,
  },
  {
    id: 'claude-sonnet-4-6',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Sonnet 4.6',
    pricing: anthropicPricing(3, 15),
    promptCache: anthropicCache(2048),
    contextWindowTokens: 200_000,
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-sonnet-4-5',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Sonnet 4.5',
    aliases: ['claude-sonnet-4-5-20250929'],
    retiresOn: '2026-11-30',
    pricing: anthropicPricing(3, 15),
    promptCache: anthropicCache(1024),
    contextWindowTokens: 200_000,
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-sonnet-4-0',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Sonnet 4',
    aliases: ['claude-sonnet-4-20250514'],
    pricing: anthropicPricing(3, 15),
    promptCache: anthropicCache(1024),
    contextWindowTokens: 200_000,
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-3-7-sonnet-latest',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Sonnet 3.7',
    aliases: ['claude-3-7-sonnet-20250219'],
    pricing: anthropicPricing(3, 15),
    promptCache: anthropicCache(1024),
    contextWindowTokens: 200_000,
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-haiku-4-5',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Haiku 4.5',
    aliases: ['claude-haiku-4-5-20251001'],
    pricing: anthropicPricing(1, 5),
    promptCache: anthropicCache(4096),
    contextWindowTokens: 200_000,
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-3-5-haiku-latest',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Haiku 3.5',
    aliases: ['claude-3-5-haiku-20241022'],
    pricing: anthropicPricing(0.8, 4),
    promptCache: anthropicCache(2048),
    contextWindowTokens: 200_000,
    maxOutputTokens: 8_192,
  },
  {
    id: 'claude-3-haiku-20240307',
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Claude Haiku 3',
    pricing: anthropicPricing(0.25, 1.25),
    promptCache: anthropicCache(2048),
    contextWindowTokens: 200_000,
    maxOutputTokens: 4_096,
  },

  // ── OpenAI chat ──────────────────────────────────────────────────────────────────────
  {
    id: 'gpt-5',
    provider: 'openai',
    kind: 'chat',
    displayName: 'GPT-5',
    aliases: ['gpt-5-2025-08-07'],
    pricing: openaiPricing(1.25, 10, 0.1),
    promptCache: openaiCache(true),
    contextWindowTokens: 400_000,
    maxOutputTokens: 128_000,
  },
  {
    id: 'gpt-5-mini',
    provider: 'openai',
    kind: 'chat',
    displayName: 'GPT-5 mini',
    aliases: ['gpt-5-mini-2025-08-07'],
    pricing: openaiPricing(0.25, 2, 0.1),
    promptCache: openaiCache(true),
    contextWindowTokens: 400_000,
    maxOutputTokens: 128_000,
  },
  {
    id: 'gpt-5-nano',
    provider: 'openai',
    kind: 'chat',
    displayName: 'GPT-5 nano',
    aliases: ['gpt-5-nano-2025-08-07'],
    pricing: openaiPricing(0.05, 0.4, 0.1),
    promptCache: openaiCache(true),
    contextWindowTokens: 400_000,
    maxOutputTokens: 128_000,
  },
  {
    id: 'gpt-4.1',
    provider: 'openai',
    kind: 'chat',
    displayName: 'GPT-4.1',
    aliases: ['gpt-4.1-2025-04-14'],
    pricing: openaiPricing(2, 8, 0.25),
    promptCache: openaiCache(true),
    contextWindowTokens: 1_047_576,
    maxOutputTokens: 32_768,
  },
  {
    id: 'gpt-4.1-mini',
    provider: 'openai',
    kind: 'chat',
    displayName: 'GPT-4.1 mini',
    aliases: ['gpt-4.1-mini-2025-04-14'],
    pricing: openaiPricing(0.4, 1.6, 0.25),
    promptCache: openaiCache(true),
    contextWindowTokens: 1_047_576,
    maxOutputTokens: 32_768,
  },
  {
    id: 'gpt-4.1-nano',
    provider: 'openai',
    kind: 'chat',
    displayName: 'GPT-4.1 nano',
    aliases: ['gpt-4.1-nano-2025-04-14'],
    pricing: openaiPricing(0.1, 0.4, 0.25),
    promptCache: openaiCache(true),
    contextWindowTokens: 1_047_576,
    maxOutputTokens: 32_768,
  },
  {
    id: 'gpt-4o',
    provider: 'openai',
    kind: 'chat',
    displayName: 'GPT-4o',
    aliases: ['gpt-4o-2024-08-06', 'gpt-4o-2024-11-20'],
    pricing: openaiPricing(2.5, 10, 0.5),
    promptCache: openaiCache(false),
    contextWindowTokens: 128_000,
    maxOutputTokens: 16_384,
  },
  {
    id: 'gpt-4o-mini',
    provider: 'openai',
    kind: 'chat',
    displayName: 'GPT-4o mini',
    aliases: ['gpt-4o-mini-2024-07-18'],
    pricing: openaiPricing(0.15, 0.6, 0.5),
    promptCache: openaiCache(false),
    contextWindowTokens: 128_000,
    maxOutputTokens: 16_384,
  },

  // ── OpenAI embeddings (no prompt cache, no output tokens) ────────────────────────────
  {
    id: 'text-embedding-3-small',
    provider: 'openai',
    kind: 'embedding',
    displayName: 'text-embedding-3-small',
    pricing: openaiPricing(0.02, 0, 1),
    promptCache: NO_CACHE,
    contextWindowTokens: 8_191,
    maxOutputTokens: 0,
    embeddingDimensions: 1536,
    supportsDimensions: true,
  },
  {
    id: 'text-embedding-3-large',
    provider: 'openai',
    kind: 'embedding',
    displayName: 'text-embedding-3-large',
    pricing: openaiPricing(0.13, 0, 1),
    promptCache: NO_CACHE,
    contextWindowTokens: 8_191,
    maxOutputTokens: 0,
    embeddingDimensions: 3072,
    supportsDimensions: true,
  },
  {
    id: 'text-embedding-ada-002',
    provider: 'openai',
    kind: 'embedding',
    displayName: 'text-embedding-ada-002',
    pricing: openaiPricing(0.1, 0, 1),
    promptCache: NO_CACHE,
    contextWindowTokens: 8_191,
    maxOutputTokens: 0,
    embeddingDimensions: 1536,
    supportsDimensions: false,
  },
];

/** Every known model, in table order. */
export const MODELS: readonly ModelFacts[] = ROWS.map((row) => ({ ...row, aliases: row.aliases ?? [], known: true }));

/**
 * Conservative stand-ins for an unknown model of a known provider (see `resolveModel`):
 * the highest prices of that provider's chat models and the largest minimum cacheable prefix,
 * so a cost estimate is never low and a prefix is never assumed cached when it might not be.
 */
export const UNKNOWN_MODEL_DEFAULTS: Readonly<Record<'anthropic' | 'openai', Omit<ModelFacts, 'id'>>> = {
  anthropic: {
    provider: 'anthropic',
    kind: 'chat',
    displayName: 'Unknown Anthropic model',
    aliases: [],
    pricing: anthropicPricing(15, 75),
    promptCache: anthropicCache(4096),
    contextWindowTokens: 200_000,
    maxOutputTokens: 8_192,
    known: false,
  },
  openai: {
    provider: 'openai',
    kind: 'chat',
    displayName: 'Unknown OpenAI model',
    aliases: [],
    pricing: openaiPricing(2.5, 10, 0.5),
    promptCache: openaiCache(false),
    contextWindowTokens: 128_000,
    maxOutputTokens: 16_384,
    known: false,
  },
};
