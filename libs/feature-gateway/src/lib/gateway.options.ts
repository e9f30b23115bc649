import type { QueueLimit } from '@deja/data-access-jobs';

export type { QueueLimit };
import type { InFlightLimit } from './auth/in-flight-limiter';
import type { RateLimit } from './auth/rate-limiter';

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
/** The `JobNotifications` port (see @deja/data-access-jobs). */
export const JOB_NOTIFICATIONS = Symbol('JOB_NOTIFICATIONS');

/**
 * What a stand-alone gateway connects to ({@link gatewayInfrastructure}). The feature itself
 * never reads it: it uses whatever `TopicPublisher`, `PG_POOL` and job notifications the app
 * provides, so embedded mode provides them from the bus and PGlite without naming a broker.
 */
export interface GatewayInfrastructureOptions {
  kafka: { brokers: string[]; clientId: string; topicPrefix?: string };
  /** `url` also opens the LISTEN connection that hears of jobs other replicas completed. */
  database: { url: string; poolMax: number; runMigrations: boolean };
}

/** Everything the gateway feature needs, mapped from the app's validated config. */
export interface GatewayOptions {
  /**
   * This replica's own consumer group on deja.chunks.v1, unique per replica (every replica reads
   * every chunk: see `LiveStreams`), so a streamed miss streams live. Absent: streams replay the
   * finished answer.
   */
  liveChunksGroupId?: string;
  /** Ensures tenant `default` with this key at start (local use and first start only). */
  apiKey?: string;
  /** The admin key for `/v1/admin/*` (local use and first start only). */
  adminKey?: string;
  /**
   * Server secret for the API-key HMAC. Changing it invalidates every stored key. Unset: the
   * public `DEVELOPMENT_KEY_SECRET` (local use only; the gateway app refuses it beyond loopback).
   */
  keySecret?: string;
  bodyLimitBytes: number;
  rateLimit: RateLimit;
  /** How long a publish to Kafka may take before the job is failed with 503. */
  publishTimeoutMs: number;
  /**
   * The largest `deja.requests.v1` message the broker takes (its `message.max.bytes`). A request
   * that would encode larger can never be queued: it is refused with 413 before it is stored.
   * Unset: no limit (embedded mode's bus stores any size).
   */
  maxRequestMessageBytes?: number;
  /** How long the compatible endpoints wait for an answer before 504. */
  compatWaitSeconds: number;
  /** Upper bound of `?wait=` on GET /v1/jobs/{id}. */
  maxJobWaitSeconds: number;
  /** Waiters re-check Postgres this often even without a notification. */
  recheckMs: number;
  /** A job still queued after this long is failed with `expired` (a late result still completes it). */
  jobExpireSeconds: number;
  /** Per tenant and replica: requests with a body in flight, and their bytes (default {@link DEFAULT_IN_FLIGHT_LIMIT}). */
  inFlightLimit?: Partial<InFlightLimit>;
  /** Per tenant, across the deployment: jobs queued (not yet answered) and their requests' bytes (default {@link DEFAULT_QUEUE_LIMIT}). */
  queueLimit?: Partial<QueueLimit>;
  /**
   * What the gateway's exact tier needs to read the entries the embedding-service stores: their
   * signing key and the embedding model (default: the development key and the default local
   * model, as the embedding-service's defaults).
   */
  exactTier?: { signingKey?: string; embeddingModel?: string };
  /** How long a client may take to send its headers, and its whole request (default {@link DEFAULT_HTTP_TIMEOUTS}). */
  httpTimeouts?: { headersMs: number; requestMs: number };
}

/**
 * 10 s for the headers and 30 s for the whole request: a 2 MiB body needs ~70 KB/s. Node's own
 * defaults (60 s and 300 s) let slow clients hold connections for minutes.
 */
export const DEFAULT_HTTP_TIMEOUTS: Readonly<{ headersMs: number; requestMs: number }> = Object.freeze({
  headersMs: 10_000,
  requestMs: 30_000,
});

/**
 * 32 requests and 16 MiB of bodies in flight per tenant and replica: far above one application's
 * steady traffic (compatible calls stay in flight while they wait for the answer), far below what
 * starves the other tenants (the issue's flood: 50 × 1.6 MB).
 */
export const DEFAULT_IN_FLIGHT_LIMIT: Readonly<InFlightLimit> = Object.freeze({
  requests: 32,
  bytes: 16 * 1024 * 1024,
});

/**
 * 1,000 jobs and 8 MiB of requests queued per tenant: a batch of a thousand questions, or a few
 * hundred long RAG prompts, queues at once; a flood of megabyte bodies queues a handful, so
 * another tenant's question waits behind at most ~8 MiB of someone else's work.
 */
export const DEFAULT_QUEUE_LIMIT: Readonly<QueueLimit> = Object.freeze({
  jobs: 1000,
  bytes: 8 * 1024 * 1024,
});
