import { InFlightLimiter } from './in-flight-limiter';

describe('InFlightLimiter', () => {
  it('refuses a tenant its next request at the request limit, and admits it again once one is answered', () => {
    const limiter = new InFlightLimiter({ requests: 2, bytes: 1_000_000 });
    const a = limiter.acquire('t', 10);
    expect(limiter.acquire('t', 10)).toBeDefined();
    expect(limiter.acquire('t', 10)).toBeUndefined();
    a?.();
    expect(limiter.acquire('t', 10)).toBeDefined();
  });

  it('refuses bytes beyond the byte limit, but never a lone request (the body limit bounds that)', () => {
    const limiter = new InFlightLimiter({ requests: 100, bytes: 3_000_000 });
    expect(limiter.acquire('t', 5_000_000)).toBeDefined();
    expect(limiter.acquire('t', 1)).toBeUndefined();
    const other = new InFlightLimiter({ requests: 100, bytes: 3_000_000 });
    expect(other.acquire('t', 1_600_000)).toBeDefined();
    expect(other.acquire('t', 1_600_000)).toBeUndefined();
  });

  it("counts each tenant on its own: one tenant's flood leaves another's requests admitted", () => {
    const limiter = new InFlightLimiter({ requests: 2, bytes: 1_000_000 });
    limiter.acquire('flooder', 1);
    limiter.acquire('flooder', 1);
    expect(limiter.acquire('flooder', 1)).toBeUndefined();
    expect(limiter.acquire('quiet', 1)).toBeDefined();
  });

  it('releases once however often release is called', () => {
    const limiter = new InFlightLimiter({ requests: 1, bytes: 100 });
    const release = limiter.acquire('t', 50)!;
    release();
    release();
    expect(limiter.inFlight('t')).toEqual({ requests: 0, bytes: 0 });
  });
});
