import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { json, type NextFunction, type Request, type Response } from 'express';
import { anthropicError } from './http/anthropic-wire';
import { openaiError } from './http/openai-wire';
import { invalidRequest } from './simulator.exception';
import { SIMULATOR_OPTIONS, type SimulatorOptions } from './simulator.options';
import { newId } from './simulator.service';

/**
 * Parses JSON bodies (large prompts: `SIM_BODY_LIMIT`) and answers malformed or oversized ones
 * in the calling provider's error format rather than Nest's. A body an embedding application
 * already parsed is left alone.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: ReturnType<typeof json>;

  constructor(@Inject(SIMULATOR_OPTIONS) options: SimulatorOptions) {
    this.parse = json({ limit: options.config.SIM_BODY_LIMIT });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const status = (error as { status?: number }).status === 413 ? 413 : 400;
      const message =
        status === 413
          ? 'Request body too large.'
          : `We could not parse the JSON body of your request. (${(error as Error).message})`;
      const requestId = newId('req_');
      const wire = (req.originalUrl ?? req.url).startsWith('/v1/messages')
        ? anthropicError(invalidRequest(message), requestId)
        : openaiError(invalidRequest(message), requestId);
      res.status(status).set(wire.headers).json(wire.body);
    });
  }
}
