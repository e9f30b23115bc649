import type { Response } from 'express';
import { sleep } from '../core/latency';

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
