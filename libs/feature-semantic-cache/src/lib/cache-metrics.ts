import type { Attributes } from '@opentelemetry/api';
import { Histogram, type Counter, type Registry } from 'prom-client';
import { counterOn, withSpan, withSpanSync } from '@deja/util-telemetry';

/** Span name of a timed stage: `deja.stage.embed`, `deja.stage.claim`, … */
export const STAGE_SPAN_PREFIX = 'deja.stage.';

const byRegistry = new WeakMap<Registry, CacheMetrics>();

/** Cache decision metrics; names are what the Grafana dashboard queries. */
export class CacheMetrics {
  /**
   * The registry's cache metrics, created once: in one process the gateway's exact tier and the
   * semantic cache count into the same series (a second registration would be refused).
   */
  static for(registry: Registry): CacheMetrics {
    let metrics = byRegistry.get(registry);
    if (!metrics) byRegistry.set(registry, (metrics = new CacheMetrics(registry)));
    return metrics;
  }

  readonly lookups: Counter<'outcome' | 'tier'>;
  readonly similarity: Histogram<'outcome'>;
  readonly guardRejections: Counter<'guard'>;
  readonly stageSeconds: Histogram<'stage'>;
  readonly stored: Counter<'result'>;
  readonly duplicates: Counter;
  readonly forged: Counter;
  readonly degraded: Counter<'reason'>;

  constructor(registry: Registry) {
    const counter = counterOn(registry);
    this.lookups = counter('deja_cache_lookups_total', 'Cache lookups by outcome and tier', ['outcome', 'tier']);
    this.similarity = new Histogram({
      name: 'deja_cache_similarity',
      help: 'Similarity of the nearest semantic candidate, for hits and near-misses',
      labelNames: ['outcome'],
      buckets: [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98, 1],
      registers: [registry],
    });
    this.guardRejections = counter(
      'deja_cache_guard_rejections_total',
      'Semantic candidates above the threshold refused by a guard',
      ['guard'],
    );
    this.stageSeconds = new Histogram({
      name: 'deja_stage_duration_seconds',
      help: 'Latency of each stage of the cache path',
      labelNames: ['stage'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.stored = counter('deja_cache_store_total', 'Completions by store result', ['result']);
    this.duplicates = counter('deja_requests_duplicate_total', 'Requests dropped because their id had been answered');
    this.degraded = counter('deja_cache_degraded_total', 'Requests answered in a degraded mode, by reason', ['reason']);
    this.forged = counter('deja_cache_forged_entries_total', 'Entries refused because their signature did not verify');
  }

  /**
   * Times `fn` as `stage`: in the stage histogram and as a span `deja.stage.<stage>`, so one
   * request's trace shows where its time went (the latency bench reads these spans).
   */
  async time<T>(stage: string, fn: () => Promise<T>, attributes: Attributes = {}): Promise<T> {
    return withSpan(`${STAGE_SPAN_PREFIX}${stage}`, attributes, async () => {
      const end = this.stageSeconds.startTimer({ stage });
      try {
        return await fn();
      } finally {
        end();
      }
    });
  }

  /** Times a synchronous `fn` as `stage` (the decision stage: pure CPU, no await). */
  timeSync<T>(stage: string, fn: () => T): T {
    return withSpanSync(`${STAGE_SPAN_PREFIX}${stage}`, {}, () => {
      const end = this.stageSeconds.startTimer({ stage });
      try {
        return fn();
      } finally {
        end();
      }
    });
  }
}
