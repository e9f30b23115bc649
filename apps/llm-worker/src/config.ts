import { z } from 'zod';
import {
  configLoader,
  envBoolean,
  milliseconds as ms,
  providerCallConfig,
  providerKeysConfig,
  serviceConfig,
  LLM_WORKER_DEFAULTS,
} from '@deja/util-config';
// Types only: tracing.ts loads this file before the OpenTelemetry SDK starts (see apps/gateway/src/config.ts).
import type { LlmWorkerModuleOptions } from '@deja/feature-llm-worker';

/** The llm-worker's whole configuration: `process.env` is read here and nowhere else. */
export const LlmWorkerConfig = z.object({
  ...serviceConfig(8082),
  ...providerKeysConfig,
  ...providerCallConfig,
  /**
   * Declares the base URLs to be the Deja provider simulator (answers marked simulated). Without
   * it a base URL is probed once (`GET /_sim/stats`). A base URL without an API key gets a
   * placeholder key either way.
   */
  PROVIDER_SIMULATOR: envBoolean(false),
  /** Partitions of deja.misses.v1 handled at once (identical misses share a partition). */
  MISSES_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(6),

  RETRY_BASE_DELAY_MS: ms(LLM_WORKER_DEFAULTS.retry.baseDelayMs),
  RETRY_MAX_DELAY_MS: ms(LLM_WORKER_DEFAULTS.retry.maxDelayMs),
  /** A retry whose wait would end later than this after the first attempt is not made. */
  RETRY_MAX_TOTAL_MS: ms(LLM_WORKER_DEFAULTS.retry.maxTotalMs),

  /** Consecutive outage failures (5xx, 529, timeouts, connection) that open a provider's breaker. */
  BREAKER_FAILURE_THRESHOLD: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(LLM_WORKER_DEFAULTS.breaker.failureThreshold),
  /** How long an open breaker fails fast before a probe call. */
  BREAKER_COOLDOWN_MS: ms(LLM_WORKER_DEFAULTS.breaker.cooldownMs),

  /** Misses submitted longer ago are failed with miss_expired instead of sent to the provider (0: no limit). */
  MISS_MAX_AGE_MS: z.coerce.number().int().min(0).default(LLM_WORKER_DEFAULTS.maxMissAgeMs),

  /** Anthropic: 1-hour breakpoints on tools and system prompt (writes cost 2x instead of 1.25x). */
  PROMPT_CACHE_LONG_TTL: envBoolean(false),
  /** OpenAI `prompt_cache_retention`: unset leaves the provider default. */
  OPENAI_PROMPT_CACHE_RETENTION: z.enum(['in_memory', '24h']).optional(),
});
export type LlmWorkerConfig = z.infer<typeof LlmWorkerConfig>;

export const loadConfig = configLoader('llm-worker', LlmWorkerConfig);

/** The feature's options from the validated config. */
export function llmWorkerOptions(config: LlmWorkerConfig): LlmWorkerModuleOptions {
  return {
    worker: {
      promptCache: {
        anthropicLongTtlForStatic: config.PROMPT_CACHE_LONG_TTL,
        defaultMaxTokens: config.DEFAULT_MAX_TOKENS,
        ...(config.OPENAI_PROMPT_CACHE_RETENTION ? { openaiRetention: config.OPENAI_PROMPT_CACHE_RETENTION } : {}),
      },
      retry: {
        maxAttempts: config.RETRY_MAX_ATTEMPTS,
        baseDelayMs: config.RETRY_BASE_DELAY_MS,
        maxDelayMs: config.RETRY_MAX_DELAY_MS,
        maxTotalMs: config.RETRY_MAX_TOTAL_MS,
      },
      breaker: { failureThreshold: config.BREAKER_FAILURE_THRESHOLD, cooldownMs: config.BREAKER_COOLDOWN_MS },
      coalesceWindowMs: config.COALESCE_WINDOW_MS,
      maxMissAgeMs: config.MISS_MAX_AGE_MS,
    },
    providers: {
      timeoutMs: config.PROVIDER_TIMEOUT_MS,
      openai: { apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, simulator: config.PROVIDER_SIMULATOR },
      anthropic: {
        apiKey: config.ANTHROPIC_API_KEY,
        baseURL: config.ANTHROPIC_BASE_URL,
        simulator: config.PROVIDER_SIMULATOR,
      },
    },
  };
}
