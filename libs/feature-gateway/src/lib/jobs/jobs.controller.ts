import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantId, TenantRoute } from '../auth/api-key.guard';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';
import { GatewayExceptionFilter } from '../http/gateway-exception.filter';
import { openApiSchema } from '../http/openapi';
import { parseOrThrow } from '../translate/common';
import { cacheHeaders } from '../translate/headers';
import { JobSubmissionBody, JobWaitQuery, jobView } from './job-view';
import { JobsService } from './jobs.service';

/** The jobs API: submit a request, read (or long-poll) its result. */
@ApiTags('jobs')
@Controller('v1/jobs')
@TenantRoute()
@UseFilters(GatewayExceptionFilter)
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit a job',
    description: '202 with `{id, status}` for a new job; 200 with the job for a duplicate client `id`.',
  })
  @ApiBody({ schema: openApiSchema(JobSubmissionBody) })
  @ApiResponse({ status: 202, description: 'Queued' })
  async submit(
    @TenantId() tenant: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const { id, deja, ...request } = parseOrThrow(JobSubmissionBody, body);
    const { job, created } = await this.jobs.submit({
      api: 'jobs',
      tenant,
      clientId: id,
      request,
      cache: parseOrThrow(JobSubmissionBody.shape.deja.unwrap(), deja ?? {}, 'deja'),
    });
    if (!created) {
      res.status(200);
      return jobView(job);
    }
    return { id: job.id, client_id: job.clientId, status: job.status };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Read a job',
    description: 'With `?wait=N` (at most 30 s) the call returns as soon as the job is done, or after N seconds.',
  })
  @ApiQuery({ name: 'wait', required: false, type: Number })
  async get(
    @TenantId() tenant: string,
    @Param('id') id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const { wait } = parseOrThrow(JobWaitQuery, query, 'query');
    const job = await this.jobs.get(tenant, id, Math.min(wait ?? 0, this.options.maxJobWaitSeconds));
    for (const [k, v] of Object.entries(cacheHeaders(job.id, job.result))) res.setHeader(k, v);
    return jobView(job);
  }
}
