import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { ChatRequest, type ChunkV1 } from '@deja/contracts';
import type { JobRecord } from '@deja/data-access-jobs';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { GatewayMetrics } from '../gateway.metrics';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';
import { toGatewayException } from '../http/gateway-exception.filter';
import { JobsService, type JobSubmission } from '../jobs/jobs.service';
import { LiveRelay } from '../live/live-relay';
import { LiveStreams } from '../live/live-streams.service';
import { parseOrThrow, resolveCacheOptions, type CompletedAnswer, type TranslatedRequest } from '../translate/common';
import { cacheHeaders, liveHeaders } from '../translate/headers';
import type { StreamWriter } from '../translate/stream-writer';
import { pipelineFailure } from './pipeline-failure';

type Api = 'openai' | 'anthropic';

/**
 * The compatible endpoints' common path: a translated request becomes a job, and the call waits
 * (bounded) for its result. A timeout answers 504 with the job id, so the answer can still be
 * fetched from `GET /v1/jobs/{id}`.
 */
@Injectable()
export class CompatService {
  constructor(
    private readonly jobs: JobsService,
    private readonly live: LiveStreams,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  /** Waits for the finished answer (non-streaming requests). */
  async answer(
    api: Api,
    tenant: string,
    t: TranslatedRequest,
    cacheControl: string | undefined,
    res: Response,
  ): Promise<CompletedAnswer> {
    const { request, cache } = this.translate(t, cacheControl);
    const job = await this.ask({ api, tenant, request, cache });
    setHeaders(res, cacheHeaders(job.id, job.result));
    return this.settle(job, request.model);
  }

  /**
   * Streams the answer. A miss streams live: the text the llm-worker publishes to deja.chunks.v1
   * is written as it arrives (the SSE response starts with the first piece), and the finished
   * answer closes the stream — its stop reason, tool calls, usage, and any text the chunks did not
   * bring. A hit, or a miss whose chunks never came, is replayed from the finished answer, as is
   * an error before the first piece: it keeps its HTTP status. An error after it is an error
   * event the provider's SDK raises; so is a finished answer that does not continue the text sent.
   */
  async stream(
    api: Api,
    tenant: string,
    t: TranslatedRequest,
    cacheControl: string | undefined,
    res: Response,
    writerFor: (jobId: string) => StreamWriter,
  ): Promise<void> {
    const { request, cache } = this.translate(t, cacheControl);
    const jobId = randomUUID();
    const writer = writerFor(jobId);
    const relay = new LiveRelay();
    let live = false;
    // Listening before the request is published: no chunk can come before it.
    const stopListening = this.live.listen(jobId, tenant, (chunk: ChunkV1) => {
      const text = relay.accept(chunk);
      if (text === '' || res.destroyed) return;
      if (!live) {
        live = true;
        this.metrics.streams.inc({ api, mode: 'live' });
        startSse(res, liveHeaders(jobId, chunk.outcome));
        write(res, writer.open());
      }
      write(res, writer.text(text));
    });
    let job: JobRecord;
    try {
      job = await this.ask({ id: jobId, api, tenant, request, cache, stream: this.live.enabled });
    } catch (error) {
      if (!live) throw error;
      endSse(res, writer.fail(toGatewayException(error)));
      return;
    } finally {
      stopListening();
    }
    if (live) {
      endSse(res, this.closeLive(job, request.model, writer, relay));
      return;
    }
    setHeaders(res, { ...cacheHeaders(job.id, job.result), 'x-deja-stream': 'replay' });
    const answer = this.settle(job, request.model);
    this.metrics.streams.inc({ api, mode: 'replay' });
    startSse(res, {});
    endSse(res, [...writer.open(), ...writer.close(answer)]);
  }

  /**
   * The job answered: an exact hit at once, in this process (docs/architecture.md, hop 2);
   * anything else through the pipeline, waited for (bounded).
   */
  private async ask(s: JobSubmission): Promise<JobRecord> {
    const answered = await this.jobs.answerFromCache(s);
    if (answered) return answered;
    const { job } = await this.jobs.submit(s);
    return job.status === 'queued' ? this.jobs.waitFor(s.tenant, job.id, this.waitMs, job) : job;
  }

  /** The frames that end a live stream: the rest of the finished answer, or the error that stopped it. */
  private closeLive(job: JobRecord, model: string, writer: StreamWriter, relay: LiveRelay): string[] {
    let answer: CompletedAnswer;
    try {
      answer = this.settle(job, model);
    } catch (error) {
      return writer.fail(toGatewayException(error));
    }
    if (relay.rest(answer.result.answer?.content ?? '') !== null) return writer.close(answer);
    // Another attempt (a retry after a broken stream) answered differently: the caller has text
    // that is not the beginning of the stored answer. Sending the rest would splice two answers.
    return writer.fail(
      new GatewayException(
        GatewayErrorCode.UpstreamFailed,
        `the live stream broke (${relay.broken ?? 'interrupted'}) and the provider's retried answer differs from the text already sent; the answer is stored: ask again`,
        { jobId: job.id, retriable: true, pipelineCode: 'stream_interrupted' },
      ),
    );
  }

  private translate(t: TranslatedRequest, cacheControl: string | undefined) {
    return { request: parseOrThrow(ChatRequest, t.request), cache: resolveCacheOptions(t.deja, cacheControl) };
  }

  private get waitMs(): number {
    return this.options.compatWaitSeconds * 1000;
  }

  /** The finished job as an answer, or the error it came to (timeout, provider error, failure). */
  private settle(job: JobRecord, model: string): CompletedAnswer {
    if (job.status === 'queued') {
      throw new GatewayException(
        GatewayErrorCode.Timeout,
        `no answer within ${this.options.compatWaitSeconds} s; the job goes on — fetch it with GET /v1/jobs/${job.id}`,
        { jobId: job.id, retryAfterSeconds: 5 },
      );
    }
    if (job.status === 'failed' || !job.result?.answer) throw pipelineFailure(job.result?.error ?? job.error, job.id);
    return { jobId: job.id, model, result: job.result };
  }
}

function setHeaders(res: Response, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
}

/** Starts a server-sent-events response and sends its headers at once. */
function startSse(res: Response, headers: Record<string, string>): void {
  res.status(200);
  setHeaders(res, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
}

function write(res: Response, frames: readonly string[]): void {
  if (!res.destroyed) for (const f of frames) res.write(f);
}

function endSse(res: Response, frames: readonly string[]): void {
  write(res, frames);
  res.end();
}
