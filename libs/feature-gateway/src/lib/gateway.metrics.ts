import { Injectable, Optional } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import type { ResultV1 } from '@deja/contracts';

/**
 * The gateway's Prometheus metrics, on the service registry of OpsModule when present (a
 * private one otherwise, e.g. in tests that compose the gateway without ops).
 */
@Injectable()
export class GatewayMetrics {
  readonly jobsSubmitted: Counter<'api'>;
  readonly results: Counter<'status' | 'outcome' | 'tier'>;
  readonly savedUsd: Counter;
  readonly spentUsd: Counter;
  readonly httpErrors: Counter<'type'>;
  readonly jobsExpired: Counter;
  readonly streams: Counter<'api' | 'mode'>;
  readonly queueRefusals: Counter;

  constructor(@Optional() registry?: Registry) {
    const registers = [registry ?? new Registry()];
    this.jobsSubmitted = new Counter({
      name: 'deja_gateway_jobs_submitted_total',
      help: 'Jobs created, by API',
      labelNames: ['api'],
      registers,
    });
    this.results = new Counter({
      name: 'deja_gateway_results_total',
      help: 'Results that completed a job, by status and cache outcome',
      labelNames: ['status', 'outcome', 'tier'],
      registers,
    });
    this.savedUsd = new Counter({
      name: 'deja_gateway_saved_usd_total',
      help: 'Money saved by the cache on completed jobs (USD)',
      registers,
    });
    this.spentUsd = new Counter({
      name: 'deja_gateway_spent_usd_total',
      help: 'Money spent on providers for completed jobs (USD)',
      registers,
    });
    this.httpErrors = new Counter({
      name: 'deja_gateway_http_errors_total',
      help: 'HTTP errors answered, by error type',
      labelNames: ['type'],
      registers,
    });
    this.jobsExpired = new Counter({
      name: 'deja_gateway_jobs_expired_total',
      help: 'Jobs failed because no result came in time',
      registers,
    });
    this.streams = new Counter({
      name: 'deja_gateway_streams_total',
      help: 'Streamed answers, by API and mode: live (a miss relayed as generated) or replay (a hit, or the finished answer)',
      labelNames: ['api', 'mode'],
      registers,
    });
    this.queueRefusals = new Counter({
      name: 'deja_gateway_queue_refusals_total',
      help: 'Jobs refused with 429 because their tenant had its queue limit of jobs or bytes queued',
      registers,
    });
  }

  recordResult(r: ResultV1): void {
    this.results.inc({ status: r.status, outcome: r.cache.outcome, tier: r.cache.tier ?? 'none' });
    if (r.cost.saved_usd > 0) this.savedUsd.inc(r.cost.saved_usd);
    if (r.cost.usd > 0) this.spentUsd.inc(r.cost.usd);
  }
}
