import { Injectable, Optional } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import { counterOn } from '@deja/util-telemetry';
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
    const counter = counterOn(registry ?? new Registry());
    this.jobsSubmitted = counter('deja_gateway_jobs_submitted_total', 'Jobs created, by API', ['api']);
    this.results = counter('deja_gateway_results_total', 'Results that completed a job, by status and cache outcome', [
      'status',
      'outcome',
      'tier',
    ]);
    this.savedUsd = counter('deja_gateway_saved_usd_total', 'Money saved by the cache on completed jobs (USD)');
    this.spentUsd = counter('deja_gateway_spent_usd_total', 'Money spent on providers for completed jobs (USD)');
    this.httpErrors = counter('deja_gateway_http_errors_total', 'HTTP errors answered, by error type', ['type']);
    this.jobsExpired = counter('deja_gateway_jobs_expired_total', 'Jobs failed because no result came in time');
    this.streams = counter(
      'deja_gateway_streams_total',
      'Streamed answers, by API and mode: live (a miss relayed as generated) or replay (a hit, or the finished answer)',
      ['api', 'mode'],
    );
    this.queueRefusals = counter(
      'deja_gateway_queue_refusals_total',
      'Jobs refused with 429 because their tenant had its queue limit of jobs or bytes queued',
    );
  }

  recordResult(r: ResultV1): void {
    this.results.inc({ status: r.status, outcome: r.cache.outcome, tier: r.cache.tier ?? 'none' });
    if (r.cost.saved_usd > 0) this.savedUsd.inc(r.cost.saved_usd);
    if (r.cost.usd > 0) this.spentUsd.inc(r.cost.usd);
  }
}
