/** Unscaled latency parameters (roughly a mid-size hosted model) and the scale applied to all. */
export interface LatencyModel {
  readonly scale: number;
  readonly baseMs: number;
  readonly perInputTokenMs: number;
  readonly perCachedTokenMs: number;
  readonly perOutputTokenMs: number;
}

export interface LatencyPlan {
  /** Time to first token. */
  readonly ttftMs: number;
  /** Delay per output token after the first. */
  readonly perTokenMs: number;
}

/**
 * Prefill is paid per uncached input token; cached tokens cost a small fraction (that is the
 * latency win of prompt caching); decoding is paid per output token. `scale` multiplies
 * everything (0 disables delays).
 */
export function planLatency(
  model: LatencyModel,
  input: { uncachedTokens: number; cachedTokens: number },
  extraMs = 0,
): LatencyPlan {
  const ttft =
    model.baseMs + input.uncachedTokens * model.perInputTokenMs + input.cachedTokens * model.perCachedTokenMs;
  return { ttftMs: ttft * model.scale + extraMs, perTokenMs: model.perOutputTokenMs * model.scale };
}

/** Waits `ms` (no timer at all for 0, so a disabled latency model costs nothing). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
