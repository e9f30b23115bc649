import { z } from 'zod';
import { configLoader, httpConfig, kafkaConfig, postgresConfig, telemetryConfig } from '@deja/util-config';

/** The invalidation-service's whole configuration: `process.env` is read here and nowhere else. */
export const InvalidationServiceConfig = z.object({
  ...httpConfig(8083),
  ...kafkaConfig,
  ...postgresConfig,
  ...telemetryConfig,
});
export type InvalidationServiceConfig = z.infer<typeof InvalidationServiceConfig>;

export const loadConfig = configLoader('invalidation-service', InvalidationServiceConfig);
