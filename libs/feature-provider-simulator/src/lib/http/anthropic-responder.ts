import { usageFromAnthropic } from '@deja/util-model-catalog';
import type { Response } from 'express';
import { sleep } from '../core/latency';
import type { SimulatorEngine } from '../core/simulator-engine';
import type { Exchange } from '../simulator.service';
import { newId } from '../simulator.service';
import { anthropicEvents, anthropicMessage, anthropicUsage } from './anthropic-wire';
import { Pacer, startSse, writeFrames } from './pacing';

/** `POST /v1/messages`, streaming or not. */
export async function respondAnthropicMessages(
  engine: SimulatorEngine,
  body: unknown,
  res: Response,
  x: Exchange,
): Promise<void> {
  const turn = engine.anthropicMessages(body, x.ctx);
  const usage = anthropicUsage(turn);
  x.record(
    {
      model: turn.model,
      prompt_hash: turn.promptHash,
      last_user_text: turn.lastUserText,
      usage,
      tokens: usageFromAnthropic(usage),
      ttft_ms: turn.latency.ttftMs,
    },
    turn.stream || x.fault !== 'cut' ? 200 : null,
  );
  const id = newId('msg_');
  const headers = { 'request-id': x.requestId };
  const pacer = new Pacer(x.signal);

  if (!turn.stream) {
    await sleep(turn.latency.ttftMs, x.signal);
    turn.commitCache();
    await sleep(turn.latency.perTokenMs * turn.answer.tokens.length, x.signal);
    if (x.fault === 'cut') {
      res.destroy();
      return;
    }
    if (!x.signal.aborted) res.status(200).set(headers).json(anthropicMessage(turn, id));
    return;
  }

  startSse(res, headers);
  await sleep(turn.latency.ttftMs, x.signal);
  turn.commitCache();
  const frames = [...anthropicEvents(turn, id)].map(({ event, data, tokens }) => ({
    text: `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
    tokens,
  }));
  if (await writeFrames(frames, turn, res, x, pacer)) res.end();
}

/** `POST /v1/messages/count_tokens`. */
export function respondAnthropicCountTokens(engine: SimulatorEngine, body: unknown, res: Response, x: Exchange): void {
  const result = engine.anthropicCountTokens(body);
  x.record({ model: null, prompt_hash: null, last_user_text: null, usage: result, tokens: null, ttft_ms: 0 });
  res.status(200).set({ 'request-id': x.requestId }).json(result);
}
