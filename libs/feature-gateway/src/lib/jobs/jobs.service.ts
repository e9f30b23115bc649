import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  TOPICS,
  type CacheOptions,
  type ChatRequest,
  type RequestV1,
  type ResultV1,
  type WireError,
} from '@deja/contracts';
import { TopicPublisher } from '@deja/data-access-kafka';
import { JobsRepository, type JobRecord, type QueuedLoad, type QueueLimit } from '@deja/data-access-jobs';
import { ExactTier } from '@deja/feature-semantic-cache';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { GatewayMetrics } from '../gateway.metrics';
import { callStore } from '../http/store-call';
import { DEFAULT_QUEUE_LIMIT, GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';
import { JobWaiters } from './job-waiters.service';
import { NamespaceBounds } from './namespace-bounds.service';
import { QueueGate, queueOverLimit } from './queue-gate';

export interface JobSubmission {
  /** The job's id, when the caller needs it before the request is published (a live stream listens first). */
  id?: string;
  /** Which API the job came through (a metrics label). */
  api: 'jobs' | 'openai' | 'anthropic';
  tenant: string;
  clientId?: string;
  request: ChatRequest;
  cache: CacheOptions;
  /** The caller streams: a miss is streamed live through deja.chunks.v1. */
  stream?: boolean;
}

const PUBLISH_FAILED = 'publish_failed';

/**
 * Jobs: written to Postgres first, then published to `deja.requests.v1` (key = job id). A publish
 * that fails or times out marks the job failed and answers 503, so no job is dropped silently;
 * resubmitting with the same client id requeues it.
 */
@Injectable()
export class JobsService implements OnApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    private readonly repo: JobsRepository,
    private readonly publisher: TopicPublisher,
    private readonly waiters: JobWaiters,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly metrics: GatewayMetrics,
    private readonly bounds: NamespaceBounds,
    private readonly gate: QueueGate,
    private readonly exactTier: ExactTier,
  ) {
    this.queueLimit = {
      jobs: options.queueLimit?.jobs ?? DEFAULT_QUEUE_LIMIT.jobs,
      bytes: options.queueLimit?.bytes ?? DEFAULT_QUEUE_LIMIT.bytes,
    };
  }

  private readonly queueLimit: QueueLimit;
  /** Rows of jobs answered here that are being written, by job id (see writeWhileAnswering). */
  private readonly writing = new Map<string, Promise<void>>();

  async submit(s: JobSubmission): Promise<{ job: JobRecord; created: boolean }> {
    // A caller's mistake is a 400 now, not a failed job later.
    await this.store(() => this.bounds.check(s.tenant, s.cache));
    const id = s.id ?? randomUUID();
    const request = storedRequest(s);
    this.checkMessageSize(s.tenant, requestMessage({ id, tenant: s.tenant, request }));
    const stored = await this.store(() =>
      this.repo.create({ id, tenant: s.tenant, clientId: s.clientId ?? null, request }, this.queueLimit),
    );
    if ('refused' in stored) this.refuseQueueFull(s.tenant, stored.refused, stored.bytes);
    const { job, created } = stored;
    if (created) {
      this.metrics.jobsSubmitted.inc({ api: s.api });
      await this.publish(job);
      return { job, created };
    }
    // A duplicate client id returns the existing job; one that never reached Kafka is sent again.
    if (
      job.status === 'failed' &&
      job.result === null &&
      job.error?.code === PUBLISH_FAILED &&
      (await this.store(() => this.repo.requeue(job.id)))
    ) {
      await this.publish(job);
      return { job: { ...job, status: 'queued', error: null, completedAt: null }, created: false };
    }
    return { job, created };
  }

  /**
   * An exact hit answered in this process, before anything is stored or published: the job is
   * returned already answered and its row written meanwhile (so the jobs API, the console and
   * the stats see it as any other). Null when the request goes the pipeline's way — no exact hit, a client id to
   * honour (a resubmission must return its first job), or the cache not readable now (the
   * pipeline applies its degraded modes).
   */
  async answerFromCache(s: JobSubmission): Promise<JobRecord | null> {
    if (s.clientId !== undefined) return null;
    const id = s.id ?? randomUUID();
    const request = storedRequest(s);
    const result = await this.exactTier
      .answer(requestMessage({ id, tenant: s.tenant, request }))
      .catch((error: unknown) => {
        this.logger.warn(`exact tier unavailable, request ${id} goes through the pipeline: ${String(error)}`);
        return null;
      });
    if (!result) return null;
    const now = new Date();
    const job: JobRecord = {
      id,
      tenant: s.tenant,
      clientId: null,
      status: result.status,
      request,
      result,
      error: null,
      createdAt: now,
      completedAt: now,
    };
    this.metrics.jobsSubmitted.inc({ api: s.api });
    this.metrics.recordResult(result);
    this.writeWhileAnswering(job, result);
    return job;
  }

  /**
   * The row of a job answered here is written while the answer is sent, not before it: the
   * caller has the answer either way, and waiting for the INSERT was 40 % of an exact hit's time
   * (docs/benchmarks.md §5). Reads of the job on this replica wait for the write, and so does
   * shutdown; a write that fails is logged — the answer was served, only its record is missing
   * (as with the entry's hit count, which is bookkeeping too).
   */
  private writeWhileAnswering(job: JobRecord, result: ResultV1): void {
    const write = this.store(() => this.repo.createCompleted(job, result)).then(
      () => undefined,
      (error: unknown) => this.logger.error(`job ${job.id} was answered but its row not written: ${String(error)}`),
    );
    this.writing.set(job.id, write);
    void write.finally(() => this.writing.delete(job.id));
  }

  /** Finishes the rows still being written (see writeWhileAnswering) before the process stops. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.writing.values());
  }

  /** The tenant's job, or 404 (also for other tenants' jobs: their existence is not revealed). */
  async get(tenant: string, id: string, waitSeconds = 0): Promise<JobRecord> {
    await this.writing.get(id);
    const load = () => this.store(() => this.repo.findForTenant(tenant, id));
    const job = waitSeconds > 0 ? await this.waitForJob(waitSeconds * 1000, load) : await load();
    if (!job) throw new GatewayException(GatewayErrorCode.NotFound, `job '${id}' not found`);
    return job;
  }

  /**
   * Waits (bounded) for a job, known by its real id, to leave `queued`. `submitted`: the job as
   * `submit` returned it, so the wait starts without reading it again.
   */
  async waitFor(tenant: string, jobId: string, timeoutMs: number, submitted?: JobRecord): Promise<JobRecord> {
    const job = await this.waiters.waitFor(
      jobId,
      timeoutMs,
      () => this.store(() => this.repo.findForTenant(tenant, jobId)),
      submitted,
    );
    if (!job) throw new GatewayException(GatewayErrorCode.NotFound, `job '${jobId}' not found`);
    return job;
  }

  async stats(tenant?: string) {
    return this.store(() => this.repo.stats(tenant));
  }

  private async waitForJob(
    timeoutMs: number,
    load: () => Promise<JobRecord | undefined>,
  ): Promise<JobRecord | undefined> {
    const first = await load();
    if (!first || first.status !== 'queued') return first;
    // Wait on the job's real id: a client id is only an alias for lookup.
    return this.waiters.waitFor(first.id, timeoutMs, load);
  }

  /**
   * A request the broker would refuse for its size is the caller's to shrink: 413, nothing
   * stored (it used to be stored, then failed as a retriable 503 that no retry could pass).
   */
  private checkMessageSize(tenant: string, value: RequestV1): void {
    const limit = this.options.maxRequestMessageBytes;
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (limit === undefined || bytes <= limit) return;
    this.gate.rememberOversize(tenant);
    throw new GatewayException(
      GatewayErrorCode.PayloadTooLarge,
      `the request would be a ${bytes}-byte message; the broker takes at most ${limit} bytes — shorten the messages`,
      { issues: [{ path: 'messages', message: `${bytes} bytes encoded, at most ${limit}` }] },
    );
  }

  /**
   * One tenant's backlog must not sit in front of everyone's questions: the services consume in
   * order, so a tenant that has already queued `queueLimit` jobs or bytes across the deployment
   * waits (429 + `retry-after`) until some are answered. The insert reads the load and admits in
   * one statement (no extra round trip on the request path); a resubmission of a job the tenant
   * already has is not refused: it adds nothing to the queue.
   */
  private refuseQueueFull(tenant: string, queued: QueuedLoad, bytes: number): never {
    this.gate.remember(tenant, queued, this.queueLimit);
    this.metrics.queueRefusals.inc();
    const over = queueOverLimit(queued, bytes, this.queueLimit) ?? 'no room for this job';
    throw new GatewayException(
      GatewayErrorCode.RateLimited,
      `queue full: ${over}; retry when some have been answered`,
      {
        retryAfterSeconds: 1,
      },
    );
  }

  private async publish(job: JobRecord): Promise<void> {
    const value = requestMessage(job);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.publisher.publish(TOPICS.requests, [{ key: job.id, value }]),
        new Promise(
          (_, reject) =>
            (timer = setTimeout(
              () => reject(new Error(`publish timed out after ${this.options.publishTimeoutMs} ms`)),
              this.options.publishTimeoutMs,
            )),
        ),
      ]);
    } catch (cause) {
      const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      this.logger.warn(`job ${job.id}: publish to ${TOPICS.requests.name} failed: ${message}`);
      if ((cause as { type?: unknown }).type === 'MESSAGE_TOO_LARGE') {
        // The broker's limit is lower than maxRequestMessageBytes says: no retry can pass it either.
        const error: WireError = { code: 'payload_too_large', message, retriable: false };
        await this.repo
          .markFailed(job.id, error)
          .catch((e: Error) => this.logger.error(`job ${job.id}: could not mark failed: ${e.message}`));
        throw new GatewayException(GatewayErrorCode.PayloadTooLarge, `the broker refused the request for its size`, {
          jobId: job.id,
          cause,
        });
      }
      const error: WireError = {
        code: PUBLISH_FAILED,
        message: `the request could not be handed to Kafka: ${message}`,
        retriable: true,
      };
      await this.repo
        .markFailed(job.id, error)
        .catch((e: Error) => this.logger.error(`job ${job.id}: could not mark failed: ${e.message}`));
      throw new GatewayException(
        GatewayErrorCode.BrokerUnavailable,
        'the message broker is unavailable; the job was not queued — retry later (with the same id to reuse it)',
        {
          retryAfterSeconds: 5,
          jobId: job.id,
          cause,
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private store<T>(fn: () => Promise<T>): Promise<T> {
    return callStore(fn, { subject: 'the request', store: 'the job store' }, this.logger);
  }
}

/** The `deja.requests.v1` message of a job (the size check and the publish encode the same). */
/** What a job row keeps of a submission (and what its `deja.requests.v1` message is built from). */
function storedRequest(s: JobSubmission): JobRecord['request'] {
  return { request: s.request, cache: s.cache, ...(s.stream ? { stream: true } : {}) };
}

function requestMessage(job: Pick<JobRecord, 'id' | 'tenant' | 'request'>): RequestV1 {
  return {
    request_id: job.id,
    tenant: job.tenant,
    submitted_at: new Date().toISOString(),
    request: job.request.request,
    cache: job.request.cache,
    ...(job.request.stream ? { stream: true } : {}),
  };
}
