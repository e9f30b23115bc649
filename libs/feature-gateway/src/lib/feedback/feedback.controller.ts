import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequestId, storableString } from '@deja/contracts';
import { TenantId, TenantRoute } from '../auth/api-key.guard';
import { GatewayExceptionFilter } from '../http/gateway-exception.filter';
import { openApiSchema } from '../http/openapi';
import { parseOrThrow } from '../translate/common';
import { FeedbackService } from './feedback.service';

export const FeedbackBody = z
  .object({
    /** The job whose answer this is about (its id or the client id it was submitted with). */
    job_id: RequestId.optional(),
    /** Or the cache entry (`cache.entry_id` of a result, `x-deja-entry-id`). */
    entry_id: z.uuid().optional(),
    /** True: the answer was wrong for the question — the entry is retired at once. */
    wrong: z.boolean(),
    note: storableString(0, 2000).optional(),
  })
  .strict()
  .refine((b) => (b.job_id === undefined) !== (b.entry_id === undefined), {
    message: 'give exactly one of job_id and entry_id',
    path: ['job_id'],
  });

/** `POST /v1/feedback`: verdicts on answers, from applications and their users. */
@ApiTags('feedback')
@Controller('v1/feedback')
@TenantRoute()
@UseFilters(GatewayExceptionFilter)
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Say an answer was wrong (or right)',
    description:
      'Give `job_id` or `entry_id`, and `wrong`. A wrong verdict on a cached answer retires that entry at once (an audited `purge_entry`, requested by `feedback`; `event_id` in the answer) so the next ask misses; every verdict is kept, per tenant, as a labelled example. 404 for a job or entry of another tenant.',
  })
  @ApiBody({ schema: openApiSchema(FeedbackBody) })
  @ApiResponse({ status: 202, description: 'Recorded (and the entry retired, for a wrong verdict on a cached answer)' })
  async submit(@TenantId() tenant: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    const b = parseOrThrow(FeedbackBody, body);
    const f = await this.feedback.submit({
      tenant,
      jobId: b.job_id,
      entryId: b.entry_id,
      wrong: b.wrong,
      note: b.note,
    });
    return {
      id: f.id,
      job_id: f.jobId,
      entry_id: f.entryId,
      wrong: f.wrong,
      retired: f.eventId !== null,
      event_id: f.eventId,
      created_at: f.createdAt.toISOString(),
    };
  }
}
