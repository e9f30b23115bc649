/** Token-bucket settings: sustained requests per second and burst size. */
export interface RateLimit {
  rps: number;
  burst: number;
}

/**
 * Per-tenant token buckets, in memory on each replica (so N replicas admit up to N× the limit;
 * acceptable for abuse protection, not for billing).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Takes one token; when none is left, says how many seconds until one is. */
  take(key: string, limit: RateLimit): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: t };
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.rps);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / limit.rps)) };
  }
}
