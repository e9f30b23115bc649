import { z } from 'zod';
import { topicPrefixProblem } from '@deja/contracts';
import { LLM_WORKER_DEFAULTS } from './defaults';

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

/** What every distributed service reads: its HTTP port, /metrics, Kafka, Postgres and telemetry. */
export const serviceConfig = (fallbackPort: number) => ({
  ...httpConfig(fallbackPort),
  ...metricsConfig,
  ...kafkaConfig,
  ...postgresConfig,
  ...telemetryConfig,
});

/** A duration in milliseconds, at most an hour unless said otherwise. */
export const milliseconds = (fallback: number, max = 3_600_000) =>
  z.coerce.number().int().min(0).max(max).default(fallback);

/** The gateway's request limits, read by the gateway and by embedded mode. */
export const requestLimitsConfig = {
  /** Largest accepted JSON body, bytes (413 above). */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  /** Per tenant and replica: requests with a body in flight, and their bytes (429 above). */
  TENANT_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).optional(),
  TENANT_MAX_IN_FLIGHT_BYTES: z.coerce.number().int().min(1024).optional(),
  /** Per tenant, across the deployment: jobs queued (not yet answered) and their bytes (429 above). */
  TENANT_MAX_QUEUED_JOBS: z.coerce.number().int().min(1).max(10_000_000).optional(),
  TENANT_MAX_QUEUED_BYTES: z.coerce.number().int().min(1024).optional(),
  /** How long /v1/chat/completions and /v1/messages wait for an answer before 504. */
  COMPAT_WAIT_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  /** A job still queued after this long is failed with `expired` (a late result still completes it). */
  JOB_EXPIRE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(900),
};

type RequestLimitsConfig = z.output<z.ZodObject<typeof requestLimitsConfig>>;

/**
 * The gateway's request limits as its options name them, from {@link requestLimitsConfig} and the
 * default token bucket (whose defaults differ between the gateway and embedded mode).
 */
export function requestLimits(config: RequestLimitsConfig & { RATE_LIMIT_RPS: number; RATE_LIMIT_BURST: number }) {
  return {
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    rateLimit: { rps: config.RATE_LIMIT_RPS, burst: config.RATE_LIMIT_BURST },
    inFlightLimit: { requests: config.TENANT_MAX_IN_FLIGHT, bytes: config.TENANT_MAX_IN_FLIGHT_BYTES },
    queueLimit: { jobs: config.TENANT_MAX_QUEUED_JOBS, bytes: config.TENANT_MAX_QUEUED_BYTES },
    compatWaitSeconds: config.COMPAT_WAIT_SECONDS,
    jobExpireSeconds: config.JOB_EXPIRE_SECONDS,
  };
}

/** The providers' keys and base URLs, read by the llm-worker and by embedded mode. */
export const providerKeysConfig = {
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  /** Point the official SDKs elsewhere, e.g. at the provider simulator. */
  OPENAI_BASE_URL: z.url().optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
};

/** The llm-worker settings embedded mode offers too, with the worker's defaults. */
export const providerCallConfig = {
  /** Per-attempt timeout of a provider call. */
  PROVIDER_TIMEOUT_MS: milliseconds(LLM_WORKER_DEFAULTS.providerTimeoutMs).pipe(z.number().min(100)),
  /** Attempts per provider call, the first included. */
  RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(LLM_WORKER_DEFAULTS.retry.maxAttempts),
  /** `max_tokens` sent to Anthropic (which requires it) when a request sets none. */
  DEFAULT_MAX_TOKENS: z.coerce.number().int().min(1).max(1_000_000).default(LLM_WORKER_DEFAULTS.defaultMaxTokens),
  /** How long a finished answer is handed to identical misses behind it (0: concurrent ones only). */
  COALESCE_WINDOW_MS: milliseconds(LLM_WORKER_DEFAULTS.coalesceWindowMs),
};
