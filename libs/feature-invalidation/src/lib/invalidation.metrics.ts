import { Histogram, type Counter, type Registry } from 'prom-client';
import { counterOn } from '@deja/util-telemetry';

/** Invalidation metrics on the service's prom-client registry. */
export class InvalidationMetrics {
  readonly events: Counter<'cause' | 'applied'>;
  readonly retired: Counter<'cause'>;
  readonly deleted: Counter<'reason'>;
  readonly sweepSeconds: Histogram;
  readonly sweepErrors: Counter;

  constructor(registry: Registry) {
    const counter = counterOn(registry);
    this.events = counter(
      'deja_invalidation_events_total',
      'Document changes and operator commands consumed, by cause and whether they were applied (false: replay)',
      ['cause', 'applied'],
    );
    this.retired = counter('deja_invalidation_entries_retired_total', 'Cache entries retired, by cause', ['cause']);
    this.deleted = counter(
      'deja_invalidation_entries_deleted_total',
      'Cache entries deleted by the background sweep, by reason (retired or expired)',
      ['reason'],
    );
    this.sweepSeconds = new Histogram({
      name: 'deja_invalidation_sweep_duration_seconds',
      help: 'Duration of one background deletion sweep',
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers: [registry],
    });
    this.sweepErrors = counter('deja_invalidation_sweep_errors_total', 'Background deletion sweeps that failed');
  }
}
