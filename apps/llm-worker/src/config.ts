import { z } from 'zod';
import { configLoader, httpConfig, kafkaConfig, postgresConfig, telemetryConfig } from '@deja/util-config';

/** The llm-worker's whole configuration: `process.env` is read here and nowhere else. */
export const LlmWorkerConfig = z.object({
  ...httpConfig(8082),
  ...kafkaConfig,
  ...postgresConfig,
  ...telemetryConfig,
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  /** Point the official SDKs elsewhere, e.g. at the provider simulator. */
  OPENAI_BASE_URL: z.url().optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
});
export type LlmWorkerConfig = z.infer<typeof LlmWorkerConfig>;

export const loadConfig = configLoader('llm-worker', LlmWorkerConfig);
