import { Controller, Get, Headers, Param, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TenantRoute } from '../auth/api-key.guard';
import { GatewayExceptionFilter } from '../http/gateway-exception.filter';
import { modelById, modelList } from '../translate/models';

/** Model listing that frameworks call before chatting (LangChain, LiteLLM, SDK `models.list()`). */
@ApiTags('openai-compatible', 'anthropic-compatible')
@Controller('v1/models')
@TenantRoute()
@UseFilters(GatewayExceptionFilter)
export class ModelsController {
  @Get()
  @ApiOperation({
    summary: 'List chat models (OpenAI shape; Anthropic shape with an anthropic-version header)',
  })
  list(@Headers('anthropic-version') anthropicVersion: string | undefined): Record<string, unknown> {
    return modelList(anthropicVersion ? 'anthropic' : 'openai');
  }

  @Get(':id')
  @ApiOperation({ summary: 'One chat model of the catalog, by id or alias' })
  one(@Param('id') id: string, @Headers('anthropic-version') anthropicVersion: string | undefined) {
    return modelById(id, anthropicVersion ? 'anthropic' : 'openai');
  }
}
