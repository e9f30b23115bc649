import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { ChatRequest } from '@deja/contracts';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';
import { JobsService } from '../jobs/jobs.service';
import { parseOrThrow, resolveCacheOptions, type CompletedAnswer, type TranslatedRequest } from '../translate/common';
import { cacheHeaders } from '../translate/headers';
import { pipelineFailure } from './pipeline-failure';

/**
 * The compatible endpoints' common path: a translated request becomes a job, and the call waits
 * (bounded) for its result. A timeout answers 504 with the job id, so the answer can still be
 * fetched from `GET /v1/jobs/{id}`.
 */
@Injectable()
export class CompatService {
  constructor(
    private readonly jobs: JobsService,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  async answer(
    api: 'openai' | 'anthropic',
    tenant: string,
    t: TranslatedRequest,
    cacheControl: string | undefined,
    res: Response,
  ): Promise<CompletedAnswer> {
    const request = parseOrThrow(ChatRequest, t.request);
    const cache = resolveCacheOptions(t.deja, cacheControl);
    const { job: submitted } = await this.jobs.submit({ api, tenant, request, cache });
    const job = await this.jobs.waitFor(tenant, submitted.id, this.options.compatWaitSeconds * 1000);
    for (const [k, v] of Object.entries(cacheHeaders(job.id, job.result))) res.setHeader(k, v);
    if (job.status === 'queued') {
      throw new GatewayException(
        GatewayErrorCode.Timeout,
        `no answer within ${this.options.compatWaitSeconds} s; the job goes on — fetch it with GET /v1/jobs/${job.id}`,
        { jobId: job.id, retryAfterSeconds: 5 },
      );
    }
    if (job.status === 'failed' || !job.result?.answer) throw pipelineFailure(job.result?.error ?? job.error, job.id);
    return { jobId: job.id, model: request.model, result: job.result };
  }
}

/** Writes SSE frames and ends the response. */
export function sendSse(res: Response, frames: string[]): void {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('connection', 'keep-alive');
  res.flushHeaders();
  for (const f of frames) res.write(f);
  res.end();
}
