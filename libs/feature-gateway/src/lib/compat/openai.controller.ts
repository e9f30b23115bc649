import { Body, Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantId, TenantRoute } from '../auth/api-key.guard';
import { GatewayExceptionFilter } from '../http/gateway-exception.filter';
import { openApiSchema } from '../http/openapi';
import { OpenAiChatBody, openAiCompletion, openAiStreamFrames, openAiToNeutral } from '../translate/openai';
import { CompatService, sendSse } from './compat.service';

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
    description: '`chat.completion`, or `chat.completion.chunk` server-sent events with `stream: true`',
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
    const answer = await this.compat.answer('openai', tenant, t, cacheControl, res);
    if (t.stream) sendSse(res, openAiStreamFrames(answer, t.includeUsage));
    else res.status(200).json(openAiCompletion(answer));
  }
}
