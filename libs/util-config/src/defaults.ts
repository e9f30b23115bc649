/**
 * The services' operating defaults, typed once. The feature libraries re-export them (with a
 * compile-time check against their option types); the apps' configuration schemas default to
 * them and embedded mode starts from them. They live here, beside the schema fragments, because
 * a service's config is loaded before tracing starts and must not load a feature library (and
 * with it pg, kafkajs or Nest) to learn a default.
 */

/** The llm-worker's: retries, breaker, coalescing, the age past which a miss is not sent. */
export const LLM_WORKER_DEFAULTS = {
  retry: { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 8_000, maxTotalMs: 60_000 },
  breaker: { failureThreshold: 5, cooldownMs: 15_000 },
  coalesceWindowMs: 5_000,
  maxMissAgeMs: 24 * 3_600_000,
  /** `max_tokens` sent to Anthropic (which requires it) when a request sets none. */
  defaultMaxTokens: 4096,
  providerTimeoutMs: 60_000,
} as const;

/** The invalidation-service's background sweep. */
export const SWEEP_DEFAULTS = {
  intervalMs: 30_000,
  batchSize: 1_000,
  maxBatchesPerSweep: 100,
  retiredGraceSeconds: 60,
  expiredGraceSeconds: 60,
  eventRetentionDays: 30,
  staleWindowSeconds: 900,
} as const;
