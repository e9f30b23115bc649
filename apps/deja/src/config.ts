import { resolve } from 'node:path';
import { z } from 'zod';
import { embeddingEnvSchema, refineEmbeddingEnv } from '@deja/data-access-embeddings';
import {
  configLoader,
  envBoolean,
  httpConfig,
  metricsConfig,
  providerCallConfig,
  providerKeysConfig,
  requestLimitsConfig,
} from '@deja/util-config';

const key = z.string().min(16, 'must be at least 16 characters').optional();

/**
 * Embedded mode's whole configuration: `process.env` is read here and nowhere else. No broker,
 * no database server: the bus and PGlite live under DEJA_DATA_DIR.
 */
export const EmbeddedConfig = z
  .object({
    ...httpConfig(8080),
    ...metricsConfig,
    ...embeddingEnvSchema,
    ...requestLimitsConfig,
    // Real providers when their keys are set; the in-process simulator for the others.
    ...providerKeysConfig,
    ...providerCallConfig,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('warn'),
    /** Database, bus and generated keys; relative paths are under the working directory. */
    DEJA_DATA_DIR: z
      .string()
      .min(1)
      .default('.deja/data')
      .transform((p) => resolve(p)),
    /** Tenant `default`'s key; generated and kept in DEJA_DATA_DIR/keys.json when unset. */
    DEJA_API_KEY: key,
    /** The admin key; generated and kept like DEJA_API_KEY when unset. */
    DEJA_ADMIN_KEY: key,
    /** HMAC key that signs cache entries (≥ 32 characters); generated and kept like DEJA_API_KEY when unset. */
    DEJA_ENTRY_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    DEJA_KEY_SECRET: z.string().min(16, 'must be at least 16 characters').default('deja-local-development-key-secret'),
    /** Answer every provider from the simulator even when keys are set (demos, tests). */
    DEJA_SIMULATE_PROVIDERS: envBoolean(false),
    /** Simulator latency multiplier (1 = realistic provider latency, 0 = instant). */
    SIM_LATENCY_SCALE: z.coerce.number().min(0).max(10).default(0.2),
    DEJA_CACHE_TOP_K: z.coerce.number().int().min(1).max(50).default(5),
    /** Partitions handled at once across all topics (embedding is CPU-bound). */
    DEJA_CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    RATE_LIMIT_RPS: z.coerce.number().positive().default(50),
    RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100),
    /** Consumed bus messages are deleted after this many hours. */
    DEJA_BUS_RETENTION_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 365)
      .default(24),
  })
  .superRefine(refineEmbeddingEnv);
export type EmbeddedConfig = z.infer<typeof EmbeddedConfig>;

export const loadConfig = configLoader('deja', EmbeddedConfig);
