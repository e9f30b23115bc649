import { ProviderError, ProviderErrorCode } from '@deja/data-access-providers';
import { CircuitBreaker } from './circuit-breaker';
import { FakeClock } from './testing.fixtures';

const outage = () => new ProviderError('openai', ProviderErrorCode.ServerError, '500');
const ok = async () => 'ok';
const fail = (e: Error) => async () => {
  throw e;
};

async function code(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e instanceof ProviderError ? e.code : 'other'),
  );
}

describe('CircuitBreaker', () => {
  const setup = () => {
    const clock = new FakeClock();
    const states: string[] = [];
    const breaker = new CircuitBreaker('openai', { failureThreshold: 3, cooldownMs: 5000 }, clock, (s) =>
      states.push(s),
    );
    return { clock, breaker, states };
  };

  it('opens after N consecutive outage failures and then fails fast with provider_unavailable', async () => {
    const { breaker } = setup();
    for (let i = 0; i < 3; i++) await code(breaker.run(fail(outage())));
    expect(breaker.state).toBe('open');
    let called = false;
    const e = await breaker.run(async () => (called = true)).catch((err: unknown) => err as ProviderError);
    expect(called).toBe(false);
    expect(e).toMatchObject({ code: ProviderErrorCode.Unavailable, retriable: true, retryAfterMs: 5000 });
  });

  it('a success in between resets the count', async () => {
    const { breaker } = setup();
    await code(breaker.run(fail(outage())));
    await code(breaker.run(fail(outage())));
    await breaker.run(ok);
    await code(breaker.run(fail(outage())));
    expect(breaker.state).toBe('closed');
  });

  it('rate limiting and bad requests do not trip it', async () => {
    const { breaker } = setup();
    for (let i = 0; i < 5; i++)
      await code(breaker.run(fail(new ProviderError('openai', ProviderErrorCode.RateLimited, '429'))));
    for (let i = 0; i < 5; i++)
      await code(breaker.run(fail(new ProviderError('openai', ProviderErrorCode.InvalidRequest, '400'))));
    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through after the cool-down: success closes it', async () => {
    const { breaker, clock, states } = setup();
    for (let i = 0; i < 3; i++) await code(breaker.run(fail(outage())));
    clock.advance(5000);
    let release: (v: string) => void = () => undefined;
    const probe = breaker.run(() => new Promise<string>((r) => (release = r)));
    expect(breaker.state).toBe('half_open');
    expect(await code(breaker.run(ok))).toBe(ProviderErrorCode.Unavailable); // only one probe at a time
    release('ok');
    await probe;
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('a failed probe opens it again for another cool-down', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) await code(breaker.run(fail(outage())));
    clock.advance(5000);
    await code(breaker.run(fail(outage())));
    expect(breaker.state).toBe('open');
    clock.advance(4999);
    expect(await code(breaker.run(ok))).toBe(ProviderErrorCode.Unavailable);
    clock.advance(1);
    await expect(breaker.run(ok)).resolves.toBe('ok');
  });

  describe('one tenant cannot open it for all', () => {
    /** A call of `tenant` that stays in flight until released. */
    const pending = (breaker: CircuitBreaker, tenant: string) => {
      let release: (v: string) => void = () => undefined;
      const done = breaker.run(() => new Promise<string>((r) => (release = r)), tenant);
      return { done, release: () => release('ok') };
    };

    it("stays closed while one tenant's requests fail (e.g. prompts that crash the provider) and another tenant is calling", async () => {
      const { breaker } = setup();
      const other = pending(breaker, 'tenant-b');
      for (let i = 0; i < 10; i++) await code(breaker.run(fail(outage()), 'tenant-a'));
      expect(breaker.state).toBe('closed');
      other.release();
      await expect(other.done).resolves.toBe('ok');
      await expect(breaker.run(ok, 'tenant-b')).resolves.toBe('ok');
    });

    it('opens when the failures come from two tenants (an outage)', async () => {
      const { breaker } = setup();
      await code(breaker.run(fail(outage()), 'tenant-a'));
      await code(breaker.run(fail(outage()), 'tenant-a'));
      await code(breaker.run(fail(outage()), 'tenant-b'));
      expect(breaker.state).toBe('open');
    });

    it('opens for a lone tenant: nobody else is held back', async () => {
      const { breaker } = setup();
      for (let i = 0; i < 3; i++) await code(breaker.run(fail(outage()), 'tenant-a'));
      expect(breaker.state).toBe('open');
    });
  });
});
