import {
  findModel,
  getModel,
  listModels,
  modelLabel,
  OTHER_MODEL_LABEL,
  providerOf,
  resolveModel,
  UnknownModelError,
} from './catalog';

describe('model catalog', () => {
  it('holds the prompt-cache minimums the spec lists', () => {
    const min = (id: string) => getModel(id).promptCache.minCacheableTokens;
    expect(min('claude-sonnet-4-5')).toBe(1024);
    expect(min('claude-opus-4-1')).toBe(1024);
    expect(min('claude-3-7-sonnet-latest')).toBe(1024);
    expect(min('claude-sonnet-4-6')).toBe(2048);
    expect(min('claude-3-5-haiku-latest')).toBe(2048);
    expect(min('claude-haiku-4-5')).toBe(4096);
    expect(min('claude-opus-4-5')).toBe(4096);
    expect(min('gpt-4o')).toBe(1024);
    expect(getModel('gpt-4o').promptCache.stepTokens).toBe(128);
  });

  it('holds the documented lifetimes and breakpoint limit', () => {
    const sonnet = getModel('claude-sonnet-4-5').promptCache;
    expect(sonnet.defaultTtlMs).toBe(5 * 60_000);
    expect(sonnet.extendedTtlMs).toBe(60 * 60_000);
    expect(sonnet.maxBreakpoints).toBe(4);
    expect(getModel('gpt-5').promptCache.extendedTtlMs).toBe(24 * 3_600_000);
  });

  it('holds the documented cache price multipliers', () => {
    expect(getModel('claude-haiku-4-5').pricing).toMatchObject({
      cacheWriteMultiplier: 1.25,
      cacheWriteExtendedMultiplier: 2,
      cacheReadMultiplier: 0.1,
    });
    expect(getModel('gpt-4o').pricing.cacheReadMultiplier).toBe(0.5);
    expect(getModel('gpt-5-mini').pricing.cacheReadMultiplier).toBe(0.1);
    expect(getModel('gpt-4o-mini').pricing.cacheWriteMultiplier).toBe(1);
  });

  it('resolves dated snapshot aliases to the same row', () => {
    expect(findModel('claude-sonnet-4-5-20250929')).toBe(getModel('claude-sonnet-4-5'));
    expect(findModel('gpt-4o-2024-08-06')?.id).toBe('gpt-4o');
  });

  it('throws UnknownModelError from getModel for an unknown id', () => {
    expect(() => getModel('claude-nonexistent-9')).toThrow(UnknownModelError);
  });

  it('gives an unknown model of a known provider its conservative default', () => {
    const m = resolveModel('claude-future-9');
    expect(m).toMatchObject({ id: 'claude-future-9', provider: 'anthropic', known: false });
    const maxMin = Math.max(...listModels({ provider: 'anthropic' }).map((x) => x.promptCache.minCacheableTokens));
    const maxPrice = Math.max(...listModels({ provider: 'anthropic' }).map((x) => x.pricing.inputPerMTok));
    expect(m.promptCache.minCacheableTokens).toBe(maxMin);
    expect(m.pricing.inputPerMTok).toBe(maxPrice);
    expect(resolveModel('gpt-9').provider).toBe('openai');
  });

  it('refuses to guess the provider of an unrecognisable id', () => {
    expect(providerOf('llama-3-70b')).toBeUndefined();
    expect(() => resolveModel('llama-3-70b')).toThrow(UnknownModelError);
  });

  it('lists embedding models with their native dimensions', () => {
    const small = listModels({ kind: 'embedding' }).find((m) => m.id === 'text-embedding-3-small');
    expect(small?.embeddingDimensions).toBe(1536);
  });
});

describe('modelLabel (metric label values)', () => {
  it('is the catalog id for a known model or alias, `other` for anything else', () => {
    expect(modelLabel('gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(modelLabel('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(modelLabel('claude-made-up')).toBe(OTHER_MODEL_LABEL);
    expect(modelLabel('dj_secret_key')).toBe('other');
  });
});
