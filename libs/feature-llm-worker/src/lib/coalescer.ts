import type { Clock } from './clock';

export type CoalesceRole = 'leader' | 'joined' | 'recent';

export interface CoalesceOptions<T> {
  /** Whether a result finished within the window may be reused (false for no-cache requests). */
  readonly reuseRecent: boolean;
  /** Whether a finished result may be remembered for the window (successes only). */
  readonly remember: (value: T) => boolean;
  /**
   * When the caller's request was submitted (ms). A remembered result is only handed to requests
   * submitted before it finished: those are the identical ones that arrived together and queued
   * behind it. A request made afterwards looked the cache up after the answer could be stored —
   * and after a purge could have retired it — so it must not get the answer from here.
   */
  readonly submittedAt?: number;
}

/**
 * Coalesces identical work by key. While a leader runs, callers with the same key join its
 * promise. For `windowMs` after it finishes, a remembered result is handed to later callers too:
 * Kafka delivers a partition's messages one at a time, so identical misses that arrive together
 * reach the worker one after another, not at once — the window is what lets them share one call.
 */
export class Coalescer<T> {
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly recent = new Map<string, { value: T; at: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly maxRemembered = 10_000,
  ) {}

  async run(
    key: string,
    work: () => Promise<T>,
    options: CoalesceOptions<T>,
  ): Promise<{ value: T; role: CoalesceRole }> {
    const running = this.inFlight.get(key);
    if (running) return { value: await running, role: 'joined' };
    if (options.reuseRecent) {
      const hit = this.recent.get(key);
      const fresh = hit !== undefined && this.clock.now() - hit.at <= this.windowMs;
      if (fresh && (options.submittedAt === undefined || options.submittedAt <= hit.at))
        return { value: hit.value, role: 'recent' };
    }
    const promise = work();
    this.inFlight.set(key, promise);
    try {
      const value = await promise;
      if (this.windowMs > 0 && options.remember(value)) this.remember(key, value);
      return { value, role: 'leader' };
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Number of calls running now (for tests and metrics). */
  get running(): number {
    return this.inFlight.size;
  }

  private remember(key: string, value: T): void {
    const now = this.clock.now();
    this.recent.delete(key);
    this.recent.set(key, { value, at: now });
    // Map iteration is insertion order: the oldest entries go first.
    for (const [k, v] of this.recent) {
      if (this.recent.size <= this.maxRemembered && now - v.at <= this.windowMs) break;
      this.recent.delete(k);
    }
  }
}
