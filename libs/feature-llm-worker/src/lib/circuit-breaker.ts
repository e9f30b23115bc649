import type { Provider } from '@deja/contracts';
import { ProviderError, ProviderErrorCode } from '@deja/data-access-providers';
import type { Clock } from './clock';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSettings {
  /** Consecutive outage-like failures that open the breaker. */
  readonly failureThreshold: number;
  /** How long it stays open before one probe call is let through. */
  readonly cooldownMs: number;
}

/** Retriable, yet not a sign the provider is down: it throttling us, or this breaker failing fast. */
const NOT_OUTAGES: ReadonlySet<ProviderErrorCode> = new Set([
  ProviderErrorCode.RateLimited,
  ProviderErrorCode.Unavailable,
]);

/**
 * Failures that say the provider is down: the retriable ones (5xx, 529, timeout, connection)
 * but for rate limiting (429), which is the provider protecting itself and is handled by
 * `retry-after`. 4xx are the request's fault and are not retriable — neither trips it.
 */
function isOutage(error: unknown): boolean {
  return error instanceof ProviderError && error.retriable && !NOT_OUTAGES.has(error.code);
}

/**
 * A circuit breaker for one provider: after `failureThreshold` consecutive outage failures it
 * opens and calls fail fast with the retriable `provider_unavailable` (its `retryAfterMs` is the
 * cool-down left); after the cool-down one probe goes through (half-open) — success closes it,
 * an outage failure opens it again.
 *
 * The breaker is shared by every tenant, so one tenant's requests must not open it for the
 * others: a 5xx can be caused by the request itself (a prompt that crashes the provider), and one
 * tenant's flood of those would otherwise fail everyone fast. A run of failures therefore opens
 * it only when it comes from two tenants or more, or when no other tenant called the provider
 * during the run (then the failing tenant is the only one it holds back).
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private lastOutage = '';
  /** Tenants whose calls started since the last success, and those whose calls failed since. */
  private readonly callers = new Set<string>();
  private readonly failing = new Set<string>();

  constructor(
    readonly provider: Provider,
    private readonly settings: BreakerSettings,
    private readonly clock: Clock,
    private readonly onChange: (state: BreakerState) => void = () => undefined,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** Runs one call of `tenant` (the calls of a single-tenant deployment can omit it). */
  async run<T>(fn: () => Promise<T>, tenant = ''): Promise<T> {
    this.admit();
    this.callers.add(tenant);
    const probe = this.current === 'half_open';
    try {
      const value = await fn();
      this.succeeded();
      return value;
    } catch (error) {
      if (isOutage(error)) this.failed(error, tenant);
      else if (!(error instanceof ProviderError && error.code === ProviderErrorCode.RateLimited)) this.succeeded();
      else if (probe) this.probing = false; // a throttled probe proves nothing: let the next call probe
      throw error;
    }
  }

  private admit(): void {
    if (this.current === 'closed') return;
    const left = this.openedAt + this.settings.cooldownMs - this.clock.now();
    if (this.current === 'open' && left <= 0) this.transition('half_open');
    if (this.current === 'half_open' && !this.probing) {
      this.probing = true;
      return;
    }
    throw new ProviderError(
      this.provider,
      ProviderErrorCode.Unavailable,
      `${this.provider}: circuit open after ${this.settings.failureThreshold} consecutive failures, failing fast (last: ${this.lastOutage.slice(0, 300)})`,
      {
        // Half-open with a probe in flight: come back soon, the probe decides.
        retryAfterMs: left > 0 ? left : Math.min(1000, this.settings.cooldownMs),
      },
    );
  }

  private succeeded(): void {
    this.failures = 0;
    this.callers.clear();
    this.failing.clear();
    this.probing = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  private failed(error: unknown, tenant: string): void {
    this.lastOutage = error instanceof Error ? error.message : String(error);
    this.failures++;
    this.failing.add(tenant);
    this.probing = false;
    const widespread = this.failing.size >= 2 || this.callers.size <= 1;
    if (this.current === 'half_open' || (this.failures >= this.settings.failureThreshold && widespread)) {
      this.openedAt = this.clock.now();
      if (this.current !== 'open') this.transition('open');
    }
  }

  private transition(state: BreakerState): void {
    this.current = state;
    this.onChange(state);
  }
}
