import type { TokenUsage } from '@deja/util-model-catalog';
import type { Response } from 'express';
import { sleep } from '../core/latency';
import type { Exchange } from '../simulator.service';

/**
 * Spends simulated time in few timers: delays are owed per token and slept once they add up
 * to a few milliseconds, so a scaled-down latency model does not cost a timer per token.
 */
export class Pacer {
  private owed = 0;

  constructor(private readonly signal: AbortSignal) {}

  async wait(ms: number): Promise<void> {
    this.owed += ms;
    if (this.owed >= 4) await this.flush();
  }

  async flush(): Promise<void> {
    const ms = this.owed;
    this.owed = 0;
    await sleep(ms, this.signal);
  }
}

/** Starts a server-sent-events response and flushes the headers at once. */
export function startSse(res: Response, headers: Record<string, string>): void {
  res.status(200);
  res.set({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  res.flushHeaders();
}

/** An abort signal that fires when the client goes away before the response is complete. */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** What a streamed turn needs from the engine to be written: who asked, how long, how fast. */
interface StreamedTurn {
  lastUserText: string;
  answer: { tokens: readonly unknown[] };
  latency: { perTokenMs: number };
}

/**
 * Writes a stream's frames at the turn's pace, with the exchange's faults: a pause armed with
 * `/_sim/pauses` (held until a test releases it, then maybe a cut) and a `cut` halfway. A pause
 * comes before a cut at the same point, so a test can hold a stream that will break. Resolves
 * true when every frame was written and the client is still there.
 */
export async function writeFrames(
  frames: Iterable<{ text: string; tokens: number }>,
  turn: StreamedTurn,
  res: Response,
  x: Exchange,
  pacer: Pacer,
): Promise<boolean> {
  const cutAt = x.fault === 'cut' ? Math.floor(turn.answer.tokens.length / 2) : Number.POSITIVE_INFINITY;
  const pause = x.pauses.take(turn.lastUserText, turn.answer.tokens.length);
  let held = false;
  let sent = 0;
  for (const { text, tokens } of frames) {
    if (x.signal.aborted) return false;
    if (pause && !held && sent >= pause.atToken) {
      held = true;
      await pacer.flush();
      await pause.hold(sent, x.signal);
      if (pause.thenCut) {
        res.destroy();
        return false;
      }
    }
    if (sent >= cutAt) {
      res.destroy();
      return false;
    }
    res.write(text);
    sent += tokens;
    if (tokens > 0) await pacer.wait(turn.latency.perTokenMs);
  }
  await pacer.flush();
  return !x.signal.aborted;
}

/** A chat turn as both providers answer it: logged, then one JSON body or a paced stream. */
interface AnsweredTurn {
  readonly model: string;
  readonly stream: boolean;
  readonly promptHash: string;
  readonly lastUserText: string;
  readonly answer: { tokens: readonly unknown[] };
  readonly latency: { ttftMs: number; perTokenMs: number };
  commitCache(): void;
}

/** What differs between the providers: their usage fields, headers, body and stream frames. */
export interface TurnWire {
  readonly usage: Record<string, unknown>;
  readonly tokens: TokenUsage;
  readonly headers: Record<string, string>;
  body(): unknown;
  frames(): Iterable<{ text: string; tokens: number }>;
  /** Written after the last frame (OpenAI's `data: [DONE]`). */
  readonly end?: string;
}

/**
 * Answers a chat turn as a provider does: the time to first token, then the cache entries
 * written, then the whole body after the answer's generation time, or the frames at its pace.
 * A `cut` fault breaks the answer (a non-streamed one is logged with no status).
 */
export async function respondTurn(turn: AnsweredTurn, res: Response, x: Exchange, wire: TurnWire): Promise<void> {
  x.record(
    {
      model: turn.model,
      prompt_hash: turn.promptHash,
      last_user_text: turn.lastUserText,
      usage: wire.usage,
      tokens: wire.tokens,
      ttft_ms: turn.latency.ttftMs,
    },
    turn.stream || x.fault !== 'cut' ? 200 : null,
  );
  const pacer = new Pacer(x.signal);
  if (!turn.stream) {
    await sleep(turn.latency.ttftMs, x.signal);
    turn.commitCache();
    await sleep(turn.latency.perTokenMs * turn.answer.tokens.length, x.signal);
    if (x.fault === 'cut') {
      res.destroy();
      return;
    }
    if (!x.signal.aborted) res.status(200).set(wire.headers).json(wire.body());
    return;
  }
  startSse(res, wire.headers);
  await sleep(turn.latency.ttftMs, x.signal);
  turn.commitCache();
  if (await writeFrames(wire.frames(), turn, res, x, pacer)) res.end(wire.end);
}
