import { getModel } from '@deja/util-model-catalog';
import { costOf, followerCost } from './cost';

/** The cost of `usage` on `model`, with every kind of token not named at zero. */
function priced(
  model: string,
  t: { input?: number; write?: number; write1h?: number; read?: number; output?: number },
) {
  return costOf(getModel(model), {
    input_tokens: t.input ?? 0,
    cache_write_tokens: t.write ?? 0,
    ...(t.write1h === undefined ? {} : { cache_write_1h_tokens: t.write1h }),
    cache_read_tokens: t.read ?? 0,
    output_tokens: t.output ?? 0,
  });
}

describe('cost ledger', () => {
  it('prices an Anthropic cache read at 0.1x input and reports the saving against no caching', () => {
    // claude-sonnet-4-6: $3 in / $15 out per MTok.
    const cost = priced('claude-sonnet-4-6', { input: 1000, read: 4000, output: 100 });
    expect(cost.usd).toBeCloseTo((1000 * 3 + 4000 * 0.3 + 100 * 15) / 1e6, 12);
    expect(cost.uncached_usd).toBeCloseTo((5000 * 3 + 100 * 15) / 1e6, 12);
    expect(cost.saved_usd).toBeCloseTo(cost.uncached_usd - cost.usd, 12);
    expect(cost.usd).toBeLessThan(cost.uncached_usd);
  });

  it('reports a negative saving for a first Anthropic call that writes the cache (1.25x)', () => {
    const cost = priced('claude-sonnet-4-6', { input: 10, write: 4000 });
    expect(cost.saved_usd).toBeCloseTo(-(4000 * 3 * 0.25) / 1e6, 12);
  });

  it('prices 1-hour writes at 2x input', () => {
    const cost = priced('claude-sonnet-4-6', { write: 1000, write1h: 1000 });
    expect(cost.usd).toBeCloseTo((1000 * 3 * 2) / 1e6, 12);
  });

  it('prices OpenAI cached input with the model family discount (gpt-4.1: 0.25x)', () => {
    const cost = priced('gpt-4.1', { input: 976, read: 3072, output: 50 });
    expect(cost.usd).toBeCloseTo((976 * 2 + 3072 * 0.5 + 50 * 8) / 1e6, 12);
    expect(cost.uncached_usd).toBeCloseTo((4048 * 2 + 50 * 8) / 1e6, 12);
  });

  it('is exactly zero for zero usage and carries no float noise', () => {
    expect(
      costOf(getModel('gpt-4.1'), { input_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 0 }),
    ).toEqual({ usd: 0, uncached_usd: 0, saved_usd: 0 });
  });

  it('gives a coalesced follower zero spend and the whole uncached price as its saving', () => {
    expect(followerCost({ usd: 0.002, uncached_usd: 0.01, saved_usd: 0.008 })).toEqual({
      usd: 0,
      uncached_usd: 0.01,
      saved_usd: 0.01,
    });
  });
});
