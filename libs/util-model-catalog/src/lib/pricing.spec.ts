import fc from 'fast-check';
import { cachingSavings, priceUsage, uncachedCost, usageFromAnthropic, usageFromOpenAI } from './pricing';

const zero = { input_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 0 };

describe('priceUsage', () => {
  it('prices plain input and output per million tokens', () => {
    // claude-sonnet-4-5: $3 in, $15 out
    expect(priceUsage('claude-sonnet-4-5', { ...zero, input_tokens: 1_000_000, output_tokens: 1_000_000 })).toBeCloseTo(
      18,
      10,
    );
  });

  it('charges Anthropic 5-minute writes 1.25×, 1-hour writes 2× and reads 0.1× of input', () => {
    const usage = {
      ...zero,
      cache_write_tokens: 3_000_000,
      cache_write_1h_tokens: 1_000_000,
      cache_read_tokens: 1_000_000,
    };
    // 2M × 1.25 × $3 + 1M × 2 × $3 + 1M × 0.1 × $3
    expect(priceUsage('claude-sonnet-4-5', usage)).toBeCloseTo(7.5 + 6 + 0.3, 10);
  });

  it('charges OpenAI gpt-4o cached input at half price', () => {
    expect(priceUsage('gpt-4o', { ...zero, cache_read_tokens: 1_000_000 })).toBeCloseTo(1.25, 10);
  });

  it('rejects 1-hour writes larger than all writes', () => {
    expect(() => priceUsage('claude-sonnet-4-5', { ...zero, cache_write_tokens: 1, cache_write_1h_tokens: 2 })).toThrow(
      RangeError,
    );
  });

  it('rejects negative counts', () => {
    expect(() => priceUsage('gpt-4o', { ...zero, input_tokens: -1 })).toThrow(RangeError);
  });
});

describe('uncachedCost', () => {
  it('prices every input token at full price', () => {
    const usage = { input_tokens: 100, cache_write_tokens: 200, cache_read_tokens: 700, output_tokens: 0 };
    expect(uncachedCost('claude-haiku-4-5', usage)).toBeCloseTo((1000 * 1) / 1e6, 12);
  });

  it('equals priceUsage when nothing touched the cache', () => {
    fc.assert(
      fc.property(fc.nat(1e7), fc.nat(1e6), (input, output) => {
        const u = { ...zero, input_tokens: input, output_tokens: output };
        return Math.abs(uncachedCost('gpt-5', u) - priceUsage('gpt-5', u)) < 1e-12;
      }),
    );
  });

  it('shows reads save money and a pure Anthropic write costs extra', () => {
    expect(cachingSavings('claude-sonnet-4-5', { ...zero, cache_read_tokens: 10_000 })).toBeGreaterThan(0);
    expect(cachingSavings('claude-sonnet-4-5', { ...zero, cache_write_tokens: 10_000 })).toBeLessThan(0);
  });
});

describe('usage normalisation', () => {
  it('maps Anthropic usage one to one, including the 1-hour part of writes', () => {
    expect(
      usageFromAnthropic({
        input_tokens: 10,
        output_tokens: 5,
        cache_creation_input_tokens: 300,
        cache_read_input_tokens: 2000,
        cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      }),
    ).toEqual({
      input_tokens: 10,
      cache_write_tokens: 300,
      cache_write_1h_tokens: 200,
      cache_read_tokens: 2000,
      output_tokens: 5,
    });
  });

  it('subtracts OpenAI cached tokens from prompt_tokens so they are not counted twice', () => {
    expect(
      usageFromOpenAI({ prompt_tokens: 2000, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 1536 } }),
    ).toEqual({ input_tokens: 464, cache_write_tokens: 0, cache_read_tokens: 1536, output_tokens: 7 });
  });
});
