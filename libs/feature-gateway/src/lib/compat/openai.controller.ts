import { Body, Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantId, TenantRoute } from '../auth/api-key.guard';
import { GatewayExceptionFilter } from '../http/gateway-exception.filter';
import { openApiSchema } from '../http/openapi';
import { OpenAiChatBody, openAiCompletion, openAiToNeutral } from '../translate/openai';
import { OpenAiStreamWriter } from '../translate/openai-stream';
import { CompatService } from './compat.service';

/** OpenAI-compatible Chat Completions: point the official `openai` client's baseURL at `<gateway>/v1`. */
@ApiTags('openai-compatible')
@Controller('v1/chat')
@TenantRoute()
@UseFilters(GatewayExceptionFilter)
export class OpenAiController {
  constructor(private readonly compat: CompatService) {}

  @Post('completions')
  @HttpCode(200)
  @ApiOkResponse({
    description:
      '`chat.completion`, or `chat.completion.chunk` server-sent events with `stream: true` (live on a miss, replayed on a hit)',
  })
  @ApiOperation({
    summary: 'OpenAI Chat Completions (streaming too)',
    description: 'Deja options go in an optional `deja` object; `Cache-Control` request header honoured.',
  })
  @ApiBody({ schema: openApiSchema(OpenAiChatBody) })
  async completions(
    @TenantId() tenant: string,
    @Body() body: unknown,
    @Headers('cache-control') cacheControl: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const t = openAiToNeutral(body);
    if (t.stream) {
      const created = Math.floor(Date.now() / 1000);
      await this.compat.stream('openai', tenant, t, cacheControl, res, (jobId) => {
        const model = t.request.model;
        return new OpenAiStreamWriter({ jobId, model, created, includeUsage: t.includeUsage });
      });
      return;
    }
    const answer = await this.compat.answer('openai', tenant, t, cacheControl, res);
    res.status(200).json(openAiCompletion(answer));
  }
}
