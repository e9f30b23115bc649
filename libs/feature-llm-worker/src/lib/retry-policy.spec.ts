import { backoffDelay, withRetries } from './retry-policy';
import { FakeClock } from './testing.fixtures';

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 10_000 };
const transient = (retryAfterMs?: number) => Object.assign(new Error('503'), { retriable: true, retryAfterMs });
const terminal = () => Object.assign(new Error('400'), { retriable: false });

function failing(errors: Error[]): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      const e = errors[calls++];
      if (e) throw e;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('retry policy', () => {
  it('backs off exponentially with jitter between half and all of the capped delay', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('retries retriable failures and returns the first success', async () => {
    const clock = new FakeClock();
    const f = failing([transient(), transient()]);
    await expect(withRetries(f.fn, policy, { clock, random: () => 1 })).resolves.toBe('ok');
    expect(f.calls()).toBe(3);
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('never retries a terminal failure', async () => {
    const clock = new FakeClock();
    const f = failing([terminal()]);
    await expect(withRetries(f.fn, policy, { clock, random: () => 1 })).rejects.toThrow('400');
    expect(f.calls()).toBe(1);
  });

  it('honours retry-after when it is longer than the backoff', async () => {
    const clock = new FakeClock();
    const f = failing([transient(3000)]);
    await withRetries(f.fn, policy, { clock, random: () => 0 });
    expect(clock.sleeps).toEqual([3000]);
  });

  it('stops after maxAttempts and throws the last error', async () => {
    const clock = new FakeClock();
    const f = failing(Array.from({ length: 10 }, () => transient()));
    await expect(withRetries(f.fn, policy, { clock, random: () => 0 })).rejects.toThrow('503');
    expect(f.calls()).toBe(5);
  });

  it('does not start a wait that would overrun the total time budget', async () => {
    const clock = new FakeClock();
    const f = failing([transient(), transient(60_000)]);
    await expect(withRetries(f.fn, policy, { clock, random: () => 0 })).rejects.toThrow('503');
    expect(f.calls()).toBe(2);
    expect(clock.sleeps).toEqual([50]);
  });
});
