import type { Clock } from './clock';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry starts if it would end its wait past this much time since the first attempt. */
  readonly maxTotalMs: number;
}

/** What the retry loop needs to know about a failure. */
export interface RetryableFailure {
  readonly retriable: boolean;
  readonly retryAfterMs?: number;
}

function asFailure(error: unknown): RetryableFailure {
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { retriable?: unknown }).retriable === 'boolean'
  ) {
    return error as RetryableFailure;
  }
  return { retriable: false };
}

/**
 * Exponential backoff with "equal jitter": half the capped exponential delay is fixed, half
 * random, so retries of many workers spread out but never bunch at zero.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return exponential / 2 + (exponential / 2) * random();
}

export interface RetryHooks {
  readonly clock: Clock;
  readonly random: () => number;
  /** Called before each wait: the failed attempt (1-based), its error, the wait. */
  readonly onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds, fails terminally, or the policy is spent; the last error is
 * thrown. A provider's `retry-after` is honoured (the wait is at least that long); a wait that
 * would overrun `maxTotalMs` is not started.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  const started = hooks.clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const failure = asFailure(error);
      if (!failure.retriable || attempt >= policy.maxAttempts) throw error;
      const delay = Math.max(backoffDelay(attempt, policy, hooks.random), failure.retryAfterMs ?? 0);
      if (hooks.clock.now() - started + delay > policy.maxTotalMs) throw error;
      hooks.onRetry?.(attempt, error, delay);
      await hooks.clock.sleep(delay);
    }
  }
}
