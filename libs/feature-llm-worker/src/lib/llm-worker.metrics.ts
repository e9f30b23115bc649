import type { CompletionV1, Provider } from '@deja/contracts';
import { modelLabel } from '@deja/util-model-catalog';
import { counterOn } from '@deja/util-telemetry';
import type { Registry } from 'prom-client';
import { Gauge, Histogram, type Counter } from 'prom-client';
import type { BreakerState } from './circuit-breaker';
import type { CoalesceRole } from './coalescer';
import type { LlmWorkerObserver } from './llm-worker';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * The llm-worker's Prometheus metrics: provider calls, errors by code, retries, breaker state,
 * completions by status and coalescing role, tokens by kind, spend and savings in USD. Every
 * label value comes from a closed set: the model is the catalog's id or `other` (see
 * {@link modelLabel}), providers and codes are enums.
 */
export class LlmWorkerMetrics implements LlmWorkerObserver {
  private readonly calls: Counter<'provider' | 'model' | 'outcome'>;
  private readonly callSeconds: Histogram<'provider'>;
  private readonly errors: Counter<'provider' | 'code'>;
  private readonly retries: Counter<'provider' | 'code'>;
  private readonly breaker: Gauge<'provider'>;
  private readonly completions: Counter<'status' | 'role'>;
  private readonly tokens: Counter<'provider' | 'model' | 'kind'>;
  private readonly spent: Counter<'provider' | 'model'>;
  private readonly saved: Counter<'provider' | 'model'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const counter = counterOn(registry);
    this.calls = counter('deja_llm_provider_calls_total', 'Provider calls (each attempt) by outcome', [
      'provider',
      'model',
      'outcome',
    ]);
    this.callSeconds = new Histogram({
      name: 'deja_llm_provider_call_seconds',
      help: 'Duration of one provider call attempt',
      labelNames: ['provider'],
      registers,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    });
    this.errors = counter('deja_llm_provider_errors_total', 'Failed provider attempts by error code', [
      'provider',
      'code',
    ]);
    this.retries = counter('deja_llm_retries_total', 'Retries of provider calls by the error that caused them', [
      'provider',
      'code',
    ]);
    this.breaker = new Gauge({
      name: 'deja_llm_breaker_state',
      help: 'Circuit breaker per provider: 0 closed, 1 half-open, 2 open',
      labelNames: ['provider'],
      registers,
    });
    this.completions = counter(
      'deja_llm_completions_total',
      'Completions published, by status and coalescing role (leader made the call)',
      ['status', 'role'],
    );
    this.tokens = counter('deja_llm_tokens_total', 'Tokens billed by kind (input = uncached input)', [
      'provider',
      'model',
      'kind',
    ]);
    this.spent = counter('deja_llm_cost_usd_total', 'USD spent on provider calls', ['provider', 'model']);
    this.saved = counter(
      'deja_llm_saved_usd_total',
      'USD saved by prompt caching and coalescing versus uncached calls',
      ['provider', 'model'],
    );
  }

  providerCall(provider: Provider, model: string, outcome: 'ok' | 'error', latencyMs: number): void {
    this.calls.inc({ provider, model: modelLabel(model), outcome });
    this.callSeconds.observe({ provider }, latencyMs / 1000);
  }

  providerError(provider: Provider, code: string): void {
    this.errors.inc({ provider, code });
  }

  retry(provider: Provider, code: string): void {
    this.retries.inc({ provider, code });
  }

  breakerState(provider: Provider, state: BreakerState): void {
    this.breaker.set({ provider }, BREAKER_VALUE[state]);
  }

  completion(c: CompletionV1, role: CoalesceRole): void {
    this.completions.inc({ status: c.status, role });
    const labels = { provider: c.request.provider, model: modelLabel(c.request.model) };
    const u = c.usage;
    if (u.input_tokens) this.tokens.inc({ ...labels, kind: 'input' }, u.input_tokens);
    if (u.cache_write_tokens) this.tokens.inc({ ...labels, kind: 'cache_write' }, u.cache_write_tokens);
    if (u.cache_read_tokens) this.tokens.inc({ ...labels, kind: 'cache_read' }, u.cache_read_tokens);
    if (u.output_tokens) this.tokens.inc({ ...labels, kind: 'output' }, u.output_tokens);
    if (c.cost.usd > 0) this.spent.inc(labels, c.cost.usd);
    // A negative saving (a cache write) lowers the total: counters only go up, so it is not recorded.
    if (c.cost.saved_usd > 0) this.saved.inc(labels, c.cost.saved_usd);
  }
}
