import { z } from 'zod';
import { configLoader, httpConfig, kafkaConfig, postgresConfig, telemetryConfig } from '@deja/util-config';

/** The embedding-service's whole configuration: `process.env` is read here and nowhere else. */
export const EmbeddingServiceConfig = z.object({
  ...httpConfig(8081),
  ...kafkaConfig,
  ...postgresConfig,
  ...telemetryConfig,
});
export type EmbeddingServiceConfig = z.infer<typeof EmbeddingServiceConfig>;

export const loadConfig = configLoader('embedding-service', EmbeddingServiceConfig);
