import { z } from 'zod';
import { configLoader, httpConfig, kafkaConfig, postgresConfig, telemetryConfig } from '@deja/util-config';

/** The gateway's whole configuration: `process.env` is read here and nowhere else. */
export const GatewayConfig = z.object({
  ...httpConfig(8080),
  ...kafkaConfig,
  ...postgresConfig,
  ...telemetryConfig,
  /** Local use and first start: ensures tenant `default` with this key. Not for production. */
  DEJA_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Admin key for the admin routes. Not for production: use a secret store. */
  DEJA_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const loadConfig = configLoader('gateway', GatewayConfig);
