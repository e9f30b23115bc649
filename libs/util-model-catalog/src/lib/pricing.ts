import type { ModelFacts } from './model-facts';
import { resolveModel } from './catalog';

/**
 * Provider-neutral token usage of one call. The four input counts are disjoint and add up to
 * the whole prompt, so nothing is counted twice:
 * - `input_tokens`: input neither read from nor written to the cache (full price);
 * - `cache_write_tokens`: ALL input written to the cache, whatever its lifetime;
 * - `cache_write_1h_tokens`: the part of `cache_write_tokens` written with the extended
 *   lifetime (Anthropic 1 h), priced at the extended multiplier (≤ `cache_write_tokens`);
 * - `cache_read_tokens`: input read from the cache.
 * Use `usageFromAnthropic` / `usageFromOpenAI` to build it from a provider response.
 */
export interface TokenUsage {
  input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens?: number;
  cache_read_tokens: number;
  output_tokens: number;
}

const PER_TOKEN = 1 / 1_000_000;

function facts(model: string | ModelFacts): ModelFacts {
  return typeof model === 'string' ? resolveModel(model) : model;
}

function check(usage: TokenUsage): void {
  for (const [key, value] of Object.entries(usage)) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new RangeError(`usage.${key} must be a non-negative number (got ${String(value)})`);
    }
  }
  if ((usage.cache_write_1h_tokens ?? 0) > usage.cache_write_tokens) {
    throw new RangeError('usage.cache_write_1h_tokens is part of cache_write_tokens and cannot exceed it');
  }
}

/**
 * What the call cost in USD with the caching that happened. Unknown models are priced with the
 * catalog's conservative default (`resolveModel`), so the figure is never too low.
 */
export function priceUsage(model: string | ModelFacts, usage: TokenUsage): number {
  check(usage);
  const { pricing: p } = facts(model);
  const write1h = usage.cache_write_1h_tokens ?? 0;
  const writeShort = usage.cache_write_tokens - write1h;
  const inputEquivalent =
    usage.input_tokens +
    writeShort * p.cacheWriteMultiplier +
    write1h * p.cacheWriteExtendedMultiplier +
    usage.cache_read_tokens * p.cacheReadMultiplier;
  return (inputEquivalent * p.inputPerMTok + usage.output_tokens * p.outputPerMTok) * PER_TOKEN;
}

/** What the same call would have cost with no caching at all: every input token at full price. */
export function uncachedCost(model: string | ModelFacts, usage: TokenUsage): number {
  check(usage);
  const { pricing: p } = facts(model);
  const input = usage.input_tokens + usage.cache_write_tokens + usage.cache_read_tokens;
  return (input * p.inputPerMTok + usage.output_tokens * p.outputPerMTok) * PER_TOKEN;
}

/** `uncachedCost - priceUsage`: positive when caching saved money, negative on a pure write. */
export function cachingSavings(model: string | ModelFacts, usage: TokenUsage): number {
  return uncachedCost(model, usage) - priceUsage(model, usage);
}

/** The usage block of an Anthropic Messages response (or the merged stream usage). */
export interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
}

/** Anthropic's `input_tokens` already excludes cache reads and writes: the fields map one to one. */
export function usageFromAnthropic(u: AnthropicUsageLike): TokenUsage {
  return {
    input_tokens: u.input_tokens ?? 0,
    cache_write_tokens: u.cache_creation_input_tokens ?? 0,
    cache_write_1h_tokens: u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
    cache_read_tokens: u.cache_read_input_tokens ?? 0,
    output_tokens: u.output_tokens ?? 0,
  };
}

/** The usage block of an OpenAI Chat Completions / Embeddings response. */
export interface OpenAIUsageLike {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
}

/**
 * OpenAI's `prompt_tokens` INCLUDES the cached tokens (and any reported cache writes), so they
 * are subtracted to get the uncached remainder — adding them again would count them twice.
 */
export function usageFromOpenAI(u: OpenAIUsageLike): TokenUsage {
  const prompt = u.prompt_tokens ?? 0;
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  const written = u.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, prompt - cached - written),
    cache_write_tokens: written,
    cache_read_tokens: cached,
    output_tokens: u.completion_tokens ?? 0,
  };
}
