import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { embeddingEnvSchema, embeddingModelOf } from '@deja/data-access-embeddings';
import { configLoader, kafkaConnection, requestLimits, requestLimitsConfig, serviceConfig } from '@deja/util-config';
// Types only: tracing.ts loads this file before the OpenTelemetry SDK starts, so a value import
// of a feature would load express, pg and kafkajs before they can be instrumented.
import type { GatewayInfrastructureOptions, GatewayOptions } from '@deja/feature-gateway';

/** The gateway's whole configuration: `process.env` is read here and nowhere else. */
export const GatewayConfig = z
  .object({
    ...serviceConfig(8080),
    ...requestLimitsConfig,
    /** Local use and first start: ensures tenant `default` with this key. Not for production. */
    DEJA_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Admin key for the admin routes. Not for production: use a secret store. */
    DEJA_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * Secret of the API-key HMAC; changing it invalidates every stored key. Required unless the
     * gateway listens on loopback only (local use), where the public development secret is used.
     */
    DEJA_KEY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * The embedding-service's entry signing key and embedding model: the gateway answers exact
     * hits itself and must verify entries and report decisions as the embedding-service does.
     */
    DEJA_ENTRY_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    DEJA_EMBEDDING_PROVIDER: embeddingEnvSchema.DEJA_EMBEDDING_PROVIDER,
    DEJA_EMBEDDING_MODEL: embeddingEnvSchema.DEJA_EMBEDDING_MODEL,
    /** The Jaeger UI, for the console's link from a request to its traces (none when unset or tracing is off). */
    DEJA_TRACE_UI_URL: z.url().optional(),
    /**
     * The broker's `message.max.bytes` (Kafka's default is 1,048,588): a request whose
     * deja.requests.v1 message would be larger is refused with 413 before it is stored.
     */
    KAFKA_MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(100 * 1024 * 1024)
      .default(1_000_000),
    /** Default per-tenant token bucket (per replica); tenants may carry their own. */
    RATE_LIMIT_RPS: z.coerce.number().positive().default(20),
    RATE_LIMIT_BURST: z.coerce.number().int().positive().default(40),
    /** How long a publish to Kafka may take before the job fails with 503. */
    PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
    /** Waiters re-check Postgres this often in case a notification was lost. */
    JOB_RECHECK_MS: z.coerce.number().int().min(100).max(60000).default(2000),
  })
  .superRefine((c, ctx) => {
    if (c.DEJA_KEY_SECRET === undefined && !isLoopback(c.HOST))
      ctx.addIssue({
        code: 'custom',
        path: ['DEJA_KEY_SECRET'],
        message: `is required when the gateway listens beyond loopback (HOST=${c.HOST}): without it API keys are digested under a public default secret`,
      });
  });
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const loadConfig = configLoader('gateway', GatewayConfig);

/** What the gateway connects to, from the validated config. */
export function gatewayInfrastructureOptions(config: GatewayConfig): GatewayInfrastructureOptions {
  return {
    kafka: kafkaConnection(config, 'deja-gateway'),
    database: { url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, runMigrations: true },
  };
}

/** The feature's options from the validated config. */
export function gatewayOptions(config: GatewayConfig): GatewayOptions {
  return {
    // Unique per replica and start: every replica reads every chunk (see LiveStreams).
    liveChunksGroupId: `${config.KAFKA_GROUP_PREFIX}.gateway.live.${hostname()}.${randomUUID().slice(0, 8)}`,
    apiKey: config.DEJA_API_KEY,
    adminKey: config.DEJA_ADMIN_KEY,
    keySecret: config.DEJA_KEY_SECRET,
    ...requestLimits(config),
    publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
    maxRequestMessageBytes: config.KAFKA_MAX_MESSAGE_BYTES,
    maxJobWaitSeconds: 30,
    recheckMs: config.JOB_RECHECK_MS,
    exactTier: {
      signingKey: config.DEJA_ENTRY_SIGNING_KEY,
      embeddingModel: embeddingModelOf({
        provider: config.DEJA_EMBEDDING_PROVIDER,
        model: config.DEJA_EMBEDDING_MODEL,
      }),
    },
  };
}

/** Only this machine can reach a gateway bound to these: the one case a development secret is acceptable. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
