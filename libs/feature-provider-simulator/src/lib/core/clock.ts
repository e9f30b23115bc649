/** Source of "now" for cache lifetimes; injectable so tests (and `/_sim/clock`) move time. */
export interface Clock {
  now(): number;
}

/**
 * Wall-clock time plus an adjustable offset. `SimClock.manual(t)` is a clock that stands still
 * at `t` until advanced, for deterministic tests.
 */
export class SimClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: () => number = Date.now) {}

  static manual(startMs = 1_700_000_000_000): SimClock {
    return new SimClock(() => startMs);
  }

  now(): number {
    return this.base() + this.offsetMs;
  }

  /** Moves time forward (never backward: cache entries would come back to life). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a non-negative number, got ${ms}`);
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }
}
