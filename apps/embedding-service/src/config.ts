import { z } from 'zod';
import { embeddingEnvSchema, refineEmbeddingEnv } from '@deja/data-access-embeddings';
import { configLoader, serviceConfig } from '@deja/util-config';

/** The embedding-service's whole configuration: `process.env` is read here and nowhere else. */
export const EmbeddingServiceConfig = z
  .object({
    ...serviceConfig(8081),
    ...embeddingEnvSchema,
    /** HMAC key for signing cache entries (≥ 32 characters); all replicas need the same one. */
    DEJA_ENTRY_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Postgres unreachable: answer from the provider without the cache, fail fast, or retry. */
    DEJA_DB_DOWN_MODE: z.enum(['bypass', 'fail', 'retry']).default('bypass'),
    /** Per-namespace overrides, `namespace=mode` separated by commas, e.g. `payments=fail,drafts=bypass`. */
    DEJA_DB_DOWN_MODE_NAMESPACES: z
      .string()
      .default('')
      .transform((raw, ctx) => {
        const modes: Record<string, 'bypass' | 'fail' | 'retry'> = {};
        for (const item of raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          const m = /^([A-Za-z0-9._-]{1,100})=(bypass|fail|retry)$/.exec(item);
          if (!m) {
            ctx.addIssue({ code: 'custom', message: `'${item}' is not namespace=bypass|fail|retry` });
            return z.NEVER;
          }
          modes[m[1]] = m[2] as 'bypass' | 'fail' | 'retry';
        }
        return modes;
      }),
    /** Nearest neighbours compared per semantic lookup. */
    DEJA_CACHE_TOP_K: z.coerce.number().int().min(1).max(50).default(5),
    /** Partitions processed at once (embedding is CPU-bound: about one per core). */
    DEJA_CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
  })
  .superRefine(refineEmbeddingEnv);
export type EmbeddingServiceConfig = z.infer<typeof EmbeddingServiceConfig>;

export const loadConfig = configLoader('embedding-service', EmbeddingServiceConfig);
