import { z } from 'zod';
import { configLoader, serviceConfig, SWEEP_DEFAULTS } from '@deja/util-config';

/** The invalidation-service's whole configuration: `process.env` is read here and nowhere else. */
export const InvalidationServiceConfig = z.object({
  ...serviceConfig(8083),
  /** Time between background deletion sweeps; 0 turns the sweep off (another replica runs it). */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(SWEEP_DEFAULTS.intervalMs),
  /** Rows per DELETE statement. */
  SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(SWEEP_DEFAULTS.batchSize),
  /** Upper bound of DELETE statements per kind (retired, expired) and sweep. */
  SWEEP_MAX_BATCHES: z.coerce.number().int().min(1).max(100_000).default(SWEEP_DEFAULTS.maxBatchesPerSweep),
  /** Retired entries are kept this long before they are deleted. */
  SWEEP_RETIRED_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(SWEEP_DEFAULTS.retiredGraceSeconds),
  /** Expired entries are kept this long past their expiry before they are deleted. */
  SWEEP_EXPIRED_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(SWEEP_DEFAULTS.expiredGraceSeconds),
  /** Entries stored this recently are checked for staleness by the sweep; 0 turns that off. */
  SWEEP_STALE_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(SWEEP_DEFAULTS.staleWindowSeconds),
  /** How long applied event ids are remembered, i.e. the window in which a replay is recognised. */
  INVALIDATION_EVENT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(SWEEP_DEFAULTS.eventRetentionDays),
});
export type InvalidationServiceConfig = z.infer<typeof InvalidationServiceConfig>;

export const loadConfig = configLoader('invalidation-service', InvalidationServiceConfig);
