import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { findModel, listModels, type ModelFacts } from '@deja/util-model-catalog';
import { respondAnthropicCountTokens, respondAnthropicMessages } from './http/anthropic-responder';
import { respondOpenAIChat, respondOpenAIEmbeddings } from './http/openai-responder';
import { SimulatorService } from './simulator.service';

const CREATED = 1_735_689_600; // 2025-01-01: a fixed date keeps listings deterministic

function openaiModel(m: ModelFacts) {
  return { id: m.id, object: 'model', created: CREATED, owned_by: 'openai' };
}

function anthropicModel(m: ModelFacts) {
  return { type: 'model', id: m.id, display_name: m.displayName, created_at: new Date(CREATED * 1000).toISOString() };
}

/**
 * The provider endpoints. OpenAI and Anthropic share the `/v1` prefix; `GET /v1/models`
 * answers in Anthropic's format when the caller sends `anthropic-version` (as its SDK does).
 */
@Controller('v1')
export class ProviderApiController {
  constructor(private readonly sim: SimulatorService) {}

  @Post('chat/completions')
  chatCompletions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.sim.run('openai', req, res, (x) => respondOpenAIChat(this.sim.engine, req.body, res, x));
  }

  @Post('embeddings')
  embeddings(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.sim.run('openai', req, res, async (x) => respondOpenAIEmbeddings(this.sim.engine, req.body, res, x));
  }

  @Post('messages')
  messages(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.sim.run('anthropic', req, res, (x) => respondAnthropicMessages(this.sim.engine, req.body, res, x));
  }

  @Post('messages/count_tokens')
  countTokens(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.sim.run('anthropic', req, res, async (x) =>
      respondAnthropicCountTokens(this.sim.engine, req.body, res, x),
    );
  }

  @Get('models')
  models(@Req() req: Request, @Res() res: Response): void {
    if (req.header('anthropic-version')) {
      const data = listModels({ provider: 'anthropic' }).map(anthropicModel);
      res.json({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
      return;
    }
    res.json({ object: 'list', data: listModels({ provider: 'openai' }).map(openaiModel) });
  }

  @Get('models/:id')
  model(@Param('id') id: string, @Req() req: Request, @Res() res: Response): void {
    const anthropic = Boolean(req.header('anthropic-version'));
    const m = findModel(id);
    if (m && m.provider === (anthropic ? 'anthropic' : 'openai')) {
      res.json(anthropic ? anthropicModel(m) : openaiModel(m));
      return;
    }
    res.status(404).json(
      anthropic
        ? { type: 'error', error: { type: 'not_found_error', message: `model: ${id}` } }
        : {
            error: {
              message: `The model '${id}' does not exist`,
              type: 'invalid_request_error',
              param: 'model',
              code: 'model_not_found',
            },
          },
    );
  }
}
