/** How much one tenant may have in flight on one replica: requests with a body, and their bytes. */
export interface InFlightLimit {
  requests: number;
  bytes: number;
}

/**
 * Per-tenant limits on requests in flight (received, not yet answered) and on their body bytes,
 * in memory on each replica. The token bucket limits how often a tenant may call; this limits how
 * much of the replica it may hold at once — 50 concurrent 1.6 MB bodies from one tenant are
 * within any sane rate but would fill memory and the event loop for every other tenant.
 */
export class InFlightLimiter {
  private readonly held = new Map<string, { requests: number; bytes: number }>();

  constructor(private readonly limit: InFlightLimit) {}

  /**
   * Admits a request of `bytes` for `tenant`, returning the release to call once it is answered,
   * or `undefined` when the tenant is at a limit. A single request larger than the byte limit is
   * still admitted when the tenant has nothing else in flight (the body limit bounds it).
   */
  acquire(tenant: string, bytes: number): (() => void) | undefined {
    const h = this.held.get(tenant) ?? { requests: 0, bytes: 0 };
    if (h.requests >= this.limit.requests || (h.requests > 0 && h.bytes + bytes > this.limit.bytes)) return undefined;
    h.requests += 1;
    h.bytes += bytes;
    this.held.set(tenant, h);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      h.requests -= 1;
      h.bytes -= bytes;
      if (h.requests === 0) this.held.delete(tenant);
    };
  }

  /** What a tenant holds now (for tests and logs). */
  inFlight(tenant: string): { requests: number; bytes: number } {
    return { ...(this.held.get(tenant) ?? { requests: 0, bytes: 0 }) };
  }
}
