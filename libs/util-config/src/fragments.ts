import { z } from 'zod';
import { topicPrefixProblem } from '@deja/contracts';

/** Reusable, validated pieces of service configuration. */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envBoolean = (fallback: boolean) => bool.default(fallback);

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const kafkaConfig = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port[,host:port…]')).min(1)),
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  /** Prefix for consumer group ids (after DEJA_TOPIC_PREFIX): `<prefix>.<service>`. */
  KAFKA_GROUP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default('deja'),
  /**
   * Put before every topic and consumer group name (`acme.` → `acme.deja.requests.v1`), so
   * several deployments share one Kafka cluster without consuming each other's messages. Empty
   * by default: the names as the contracts spell them.
   */
  DEJA_TOPIC_PREFIX: z
    .string()
    .default('')
    .superRefine((prefix, ctx) => {
      const problem = topicPrefixProblem(prefix);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
};

/**
 * A service's Kafka connection from its validated {@link kafkaConfig} keys: one mapping, so no
 * service forgets the topic prefix.
 */
export function kafkaConnection(
  config: { KAFKA_BROKERS: string[]; KAFKA_CLIENT_ID?: string; DEJA_TOPIC_PREFIX: string },
  clientId: string,
): { brokers: string[]; clientId: string; topicPrefix: string } {
  return {
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? clientId,
    topicPrefix: config.DEJA_TOPIC_PREFIX,
  };
}

export const postgresConfig = {
  DATABASE_URL: z
    .string()
    .default('postgres://deja:deja@127.0.0.1:5432/deja')
    .refine((s) => /^postgres(ql)?:\/\//.test(s), 'must be a postgres:// URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
};

export const telemetryConfig = {
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().default('http://127.0.0.1:4318'),
  OTEL_SDK_DISABLED: envBoolean(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  LOG_PROMPTS: envBoolean(false),
};

export const httpConfig = (fallbackPort: number) => ({
  PORT: port(fallbackPort),
  HOST: z.string().min(1).default('127.0.0.1'),
});

/**
 * `/metrics` behind a bearer token: without one, anyone who reaches the port reads the service's
 * internals. Every service with `/metrics` spreads this.
 */
export const metricsConfig = {
  DEJA_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};
