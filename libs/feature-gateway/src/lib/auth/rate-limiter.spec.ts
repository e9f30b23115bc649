import { digestsEqual, hashApiKey, presentedKey } from './api-key';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('admits a burst, then refuses with a retry-after, then refills over time', () => {
    let now = 0;
    const rl = new RateLimiter(() => now);
    const limit = { rps: 2, burst: 3 };
    expect([1, 2, 3].map(() => rl.take('t', limit).ok)).toEqual([true, true, true]);
    expect(rl.take('t', limit)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(rl.take('other', limit).ok).toBe(true);
    now += 500;
    expect(rl.take('t', limit).ok).toBe(true);
  });
});

describe('API keys', () => {
  it('are compared by HMAC digest under the server secret', () => {
    const d = hashApiKey('secret-1', 'key');
    expect(digestsEqual(d, hashApiKey('secret-1', 'key'))).toBe(true);
    expect(digestsEqual(d, hashApiKey('secret-2', 'key'))).toBe(false);
    expect(d).not.toContain('key');
  });

  it('are read from Authorization: Bearer or x-api-key', () => {
    expect(presentedKey({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedKey({ 'x-api-key': 'xyz' })).toBe('xyz');
    expect(presentedKey({ authorization: 'Basic abc' })).toBeUndefined();
  });
});
