import { usageFromOpenAI } from '@deja/util-model-catalog';
import type { Response } from 'express';
import type { SimulatorEngine } from '../core/simulator-engine';
import type { Exchange } from '../simulator.service';
import { newId } from '../simulator.service';
import { embeddingToBase64 } from '../core/embeddings';
import { openaiChunks, openaiCompletion, openaiUsage } from './openai-wire';
import { respondTurn } from './pacing';

/** `POST /v1/chat/completions`, streaming or not. */
export async function respondOpenAIChat(
  engine: SimulatorEngine,
  body: unknown,
  res: Response,
  x: Exchange,
): Promise<void> {
  const turn = engine.openaiChat(body, x.ctx);
  const usage = openaiUsage(turn);
  const id = newId('chatcmpl-');
  const created = Math.floor(engine.clock.now() / 1000);
  await respondTurn(turn, res, x, {
    usage,
    tokens: usageFromOpenAI(usage),
    headers: { 'x-request-id': x.requestId, 'openai-processing-ms': String(Math.round(turn.latency.ttftMs)) },
    body: () => openaiCompletion(turn, id, created),
    frames: () =>
      [...openaiChunks(turn, id, created)].map(({ chunk, tokens }) => ({
        text: `data: ${JSON.stringify(chunk)}\n\n`,
        tokens,
      })),
    end: 'data: [DONE]\n\n',
  });
}

/** `POST /v1/embeddings`; answers base64 when asked, as the SDK does by default. */
export function respondOpenAIEmbeddings(engine: SimulatorEngine, body: unknown, res: Response, x: Exchange): void {
  const result = engine.openaiEmbeddings(body);
  const usage = { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens };
  x.record({
    model: result.model,
    prompt_hash: result.promptHash,
    last_user_text: result.firstInput,
    usage,
    tokens: usageFromOpenAI(usage),
    ttft_ms: 0,
  });
  res
    .status(200)
    .set({ 'x-request-id': x.requestId })
    .json({
      object: 'list',
      data: result.vectors.map((v, index) => ({
        object: 'embedding',
        index,
        embedding: result.encoding === 'base64' ? embeddingToBase64(v) : v,
      })),
      model: result.model,
      usage,
    });
}
