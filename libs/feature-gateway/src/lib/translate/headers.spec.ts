import type { ResultV1 } from '@deja/contracts';
import { cacheHeaders } from './headers';

const result = (outcome: 'hit' | 'miss', similarity: number | null) =>
  ({
    cache: {
      outcome,
      tier: outcome === 'hit' ? 'semantic' : null,
      similarity,
      threshold: 0.96,
      entry_id: null,
      rejected_by: null,
    },
    cost: { usd: 0, uncached_usd: 0, saved_usd: 0 },
  }) as unknown as ResultV1;

describe('cacheHeaders: x-deja-similarity', () => {
  it("reports a hit's similarity", () => {
    expect(cacheHeaders('j', result('hit', 0.97))['x-deja-similarity']).toBe('0.9700');
  });

  it("does not reveal a miss's nearest similarity (a probe of what others asked)", () => {
    expect(cacheHeaders('j', result('miss', 0.91))).not.toHaveProperty('x-deja-similarity');
  });

  it('reveals it in the debug view', () => {
    expect(cacheHeaders('j', result('miss', 0.91), { debug: true })['x-deja-similarity']).toBe('0.9100');
  });
});
