import { SWEEP_DEFAULTS as DEFAULTS } from '@deja/util-config';
import type { InvalidationRepository } from '@deja/data-access-invalidation';
import type { InvalidationMetrics } from './invalidation.metrics';

export interface SweepOptions {
  /** Time between the end of one sweep and the start of the next; 0 disables the sweeper. */
  intervalMs: number;
  /** Rows per DELETE statement. */
  batchSize: number;
  /** Upper bound on statements per kind and sweep, so one sweep never runs unbounded. */
  maxBatchesPerSweep: number;
  /** Retired entries are kept this long before deletion (an in-flight lookup may still read one). */
  retiredGraceSeconds: number;
  /** Expired entries are kept this long past their expiry. */
  expiredGraceSeconds: number;
  /** Applied-event records older than this are forgotten: the window in which a replay is recognised. */
  eventRetentionDays: number;
  /**
   * Entries stored this recently are checked for staleness and retired when a change raced
   * their completion; 0 turns the check off. Longer than the slowest provider call with retries.
   */
  staleWindowSeconds: number;
}

/** The sweep's defaults (typed once in util-config: configs load them before tracing starts). */
export const SWEEP_DEFAULTS = DEFAULTS satisfies SweepOptions;

export interface SweepResult {
  /** Stale entries retired (stored after the change that made them stale). */
  stale: number;
  retired: number;
  expired: number;
  events: number;
}

export type SweepLog = (level: 'log' | 'warn' | 'error' | 'debug', message: string) => void;

/**
 * Background deletion of retired and expired cache entries in bounded batches (and retirement of
 * recently stored entries that a version change had already made stale). Correctness never
 * depends on it (the lookup refuses retired, expired and stale entries); it only gives the space
 * back. Replicas sweep side by side: each batch skips rows another one has locked.
 */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  /** Set by stop(): a sweep in progress ends after its current statement. */
  private aborting = false;

  constructor(
    private readonly repo: InvalidationRepository,
    private readonly metrics: InvalidationMetrics,
    private readonly options: SweepOptions,
    private readonly log: SweepLog = () => undefined,
  ) {}

  /** One sweep: recent stale entries retired, retired and expired entries deleted, old event records forgotten. */
  async sweepOnce(): Promise<SweepResult> {
    const end = this.metrics.sweepSeconds.startTimer();
    try {
      const stale =
        this.options.staleWindowSeconds > 0
          ? await this.drain((n) => this.repo.retireStale(n, this.options.staleWindowSeconds))
          : 0;
      this.metrics.retired.inc({ cause: 'stale_sweep' }, stale);
      const retired = await this.drain((n) => this.repo.deleteRetired(n, this.options.retiredGraceSeconds));
      this.metrics.deleted.inc({ reason: 'retired' }, retired);
      const expired = await this.drain((n) => this.repo.deleteExpired(n, this.options.expiredGraceSeconds));
      this.metrics.deleted.inc({ reason: 'expired' }, expired);
      const events = await this.drain((n) => this.repo.pruneEvents(this.options.eventRetentionDays, n));
      return { stale, retired, expired, events };
    } finally {
      end();
    }
  }

  start(): void {
    if (this.options.intervalMs <= 0 || !this.stopped) return;
    this.stopped = false;
    this.aborting = false;
    this.schedule(Math.min(this.options.intervalMs, 1000));
  }

  /** Stops scheduling and waits for a sweep in progress to finish its current statement. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.aborting = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweepOnce()
        .then((r) => {
          if (r.stale + r.retired + r.expired + r.events > 0) {
            this.log(
              'log',
              `sweep: retired ${r.stale} stale entries; deleted ${r.retired} retired and ${r.expired} expired entries, ${r.events} old event records`,
            );
          }
        })
        .catch((error) => {
          this.metrics.sweepErrors.inc();
          this.log(
            'error',
            `sweep failed (next one in ${this.options.intervalMs} ms): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          );
        })
        .finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async drain(batch: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (let i = 0; i < this.options.maxBatchesPerSweep && !this.aborting; i++) {
      const n = await batch(this.options.batchSize);
      total += n;
      if (n < this.options.batchSize) break;
    }
    return total;
  }
}
