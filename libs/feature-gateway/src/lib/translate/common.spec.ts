import fc from 'fast-check';
import { GatewayErrorCode, httpStatusFor } from '../gateway.exception';
import { cacheOptionsFromHeader, chunkText, resolveCacheOptions } from './common';
import { cacheHeaders } from './headers';
import { completed } from './fixtures';

describe('Cache-Control request header', () => {
  it('maps no-cache, no-store and max-age to lookup, store and ttl_seconds', () => {
    expect(cacheOptionsFromHeader('no-cache')).toEqual({ lookup: false });
    expect(cacheOptionsFromHeader('no-store, max-age=600')).toEqual({ store: false, ttl_seconds: 600 });
    expect(cacheOptionsFromHeader(undefined)).toEqual({});
  });

  it('lets the body deja object win over the header and validates it', () => {
    expect(resolveCacheOptions({ store: true, namespace: 'faq' }, 'no-store, no-cache')).toMatchObject({
      store: true,
      lookup: false,
      namespace: 'faq',
    });
    expect(() => resolveCacheOptions({ threshold: 2 }, undefined)).toThrow(/deja.threshold/);
    expect(() => resolveCacheOptions({ surprise: 1 }, undefined)).toThrow(/deja/);
  });
});

describe('chunkText', () => {
  it('splits any text into pieces that join back to it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.integer({ min: 1, max: 50 }),
        (text, size) => chunkText(text, size).join('') === text,
      ),
    );
  });
});

describe('x-deja headers', () => {
  it('say outcome, tier, similarity, entry and money saved on a hit', () => {
    const a = completed({
      cache: {
        outcome: 'hit',
        tier: 'semantic',
        similarity: 0.9712,
        threshold: 0.93,
        entry_id: 'entry-9',
        rejected_by: null,
      },
      cost: { usd: 0, uncached_usd: 0.002, saved_usd: 0.002 },
    });
    expect(cacheHeaders('job-1', a.result)).toMatchObject({
      'x-deja-cache': 'hit',
      'x-deja-tier': 'semantic',
      'x-deja-similarity': '0.9712',
      'x-deja-entry': 'entry-9',
      'x-deja-saved-usd': '0.002000',
    });
  });
});

describe('x-deja-cache on a coalesced miss', () => {
  it('says coalesced, not miss, when the answer shared another request’s provider call and saved money', () => {
    const follower = completed({
      cache: {
        outcome: 'miss',
        tier: null,
        similarity: 0.5,
        threshold: 0.93,
        entry_id: null,
        rejected_by: null,
        coalesced: true,
      },
      cost: { usd: 0, uncached_usd: 0.002, saved_usd: 0.002 },
    });
    expect(cacheHeaders('job-1', follower.result)).toMatchObject({
      'x-deja-cache': 'coalesced',
      'x-deja-saved-usd': '0.002000',
    });
    expect(cacheHeaders('job-1', completed().result)['x-deja-cache']).toBe('miss');
  });
});

describe('gateway error codes', () => {
  it('map every code to an HTTP status', () => {
    for (const code of Object.values(GatewayErrorCode)) expect(httpStatusFor(code)).toBeGreaterThanOrEqual(400);
    expect(httpStatusFor(GatewayErrorCode.BrokerUnavailable)).toBe(503);
    expect(httpStatusFor(GatewayErrorCode.RateLimited)).toBe(429);
  });
});
