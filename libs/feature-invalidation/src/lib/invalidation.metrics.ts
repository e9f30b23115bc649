import { Counter, Histogram, type Registry } from 'prom-client';

/** Invalidation metrics on the service's prom-client registry. */
export class InvalidationMetrics {
  readonly events: Counter<'cause' | 'applied'>;
  readonly retired: Counter<'cause'>;
  readonly deleted: Counter<'reason'>;
  readonly sweepSeconds: Histogram;
  readonly sweepErrors: Counter;

  constructor(registry: Registry) {
    this.events = new Counter({
      name: 'deja_invalidation_events_total',
      help: 'Document changes and operator commands consumed, by cause and whether they were applied (false: replay)',
      labelNames: ['cause', 'applied'],
      registers: [registry],
    });
    this.retired = new Counter({
      name: 'deja_invalidation_entries_retired_total',
      help: 'Cache entries retired, by cause',
      labelNames: ['cause'],
      registers: [registry],
    });
    this.deleted = new Counter({
      name: 'deja_invalidation_entries_deleted_total',
      help: 'Cache entries deleted by the background sweep, by reason (retired or expired)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.sweepSeconds = new Histogram({
      name: 'deja_invalidation_sweep_duration_seconds',
      help: 'Duration of one background deletion sweep',
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers: [registry],
    });
    this.sweepErrors = new Counter({
      name: 'deja_invalidation_sweep_errors_total',
      help: 'Background deletion sweeps that failed',
      registers: [registry],
    });
  }
}
