import { usageFromAnthropic } from '@deja/util-model-catalog';
import type { Response } from 'express';
import type { SimulatorEngine } from '../core/simulator-engine';
import type { Exchange } from '../simulator.service';
import { newId } from '../simulator.service';
import { anthropicEvents, anthropicMessage, anthropicUsage } from './anthropic-wire';
import { respondTurn } from './pacing';

/** `POST /v1/messages`, streaming or not. */
export async function respondAnthropicMessages(
  engine: SimulatorEngine,
  body: unknown,
  res: Response,
  x: Exchange,
): Promise<void> {
  const turn = engine.anthropicMessages(body, x.ctx);
  const usage = anthropicUsage(turn);
  const id = newId('msg_');
  await respondTurn(turn, res, x, {
    usage,
    tokens: usageFromAnthropic(usage),
    headers: { 'request-id': x.requestId },
    body: () => anthropicMessage(turn, id),
    frames: () =>
      [...anthropicEvents(turn, id)].map(({ event, data, tokens }) => ({
        text: `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
        tokens,
      })),
  });
}

/** `POST /v1/messages/count_tokens`. */
export function respondAnthropicCountTokens(engine: SimulatorEngine, body: unknown, res: Response, x: Exchange): void {
  const result = engine.anthropicCountTokens(body);
  x.record({ model: null, prompt_hash: null, last_user_text: null, usage: result, tokens: null, ttft_ms: 0 });
  res.status(200).set({ 'request-id': x.requestId }).json(result);
}
