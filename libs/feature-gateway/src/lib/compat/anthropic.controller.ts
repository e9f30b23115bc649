import { Body, Controller, HttpCode, Headers, Post, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantId, TenantRoute } from '../auth/api-key.guard';
import { GatewayExceptionFilter } from '../http/gateway-exception.filter';
import { openApiSchema } from '../http/openapi';
import { countTokens } from '../translate/models';
import {
  AnthropicMessagesBody,
  anthropicMessage,
  anthropicToNeutral,
  refuseCredentialHeaders,
} from '../translate/anthropic';
import { AnthropicStreamWriter } from '../translate/anthropic-stream';
import { CompatService } from './compat.service';

/** Anthropic-compatible Messages: point the official `@anthropic-ai/sdk` client's baseURL at the gateway. */
@ApiTags('anthropic-compatible')
@Controller('v1')
@TenantRoute()
@UseFilters(GatewayExceptionFilter)
export class AnthropicController {
  constructor(private readonly compat: CompatService) {}

  @Post('messages/count_tokens')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Anthropic token count of a Messages request (the catalog tokenizer: an estimate of Claude’s)',
  })
  countTokens(@Headers() headers: Record<string, string | string[] | undefined>, @Body() body: unknown) {
    refuseCredentialHeaders(headers);
    return countTokens(body);
  }

  @Post('messages')
  @HttpCode(200)
  @ApiOkResponse({
    description: 'A `message`, or Messages server-sent events with `stream: true` (live on a miss, replayed on a hit)',
  })
  @ApiOperation({
    summary: 'Anthropic Messages (streaming too)',
    description: 'Deja options go in an optional `deja` object; `Cache-Control` request header honoured.',
  })
  @ApiBody({ schema: openApiSchema(AnthropicMessagesBody) })
  async messages(
    @TenantId() tenant: string,
    @Body() body: unknown,
    @Headers('cache-control') cacheControl: string | undefined,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Res() res: Response,
  ): Promise<void> {
    refuseCredentialHeaders(headers);
    const t = anthropicToNeutral(body);
    if (t.stream) {
      await this.compat.stream('anthropic', tenant, t, cacheControl, res, (jobId) => {
        return new AnthropicStreamWriter({ jobId, model: t.request.model });
      });
      return;
    }
    const answer = await this.compat.answer('anthropic', tenant, t, cacheControl, res);
    res.status(200).json(anthropicMessage(answer));
  }
}
