import type { ChatRequest } from '@deja/contracts';
import type { ModelFacts } from '@deja/util-model-catalog';
import type { ShapedAnthropicRequest } from './anthropic-request';
import { shapeAnthropicRequest } from './anthropic-request';
import type { OpenAIRetention, ShapedOpenAIRequest } from './openai-request';
import { shapeOpenAIRequest } from './openai-request';

/** A provider request with prompt caching applied, tagged by provider. */
export type ShapedRequest = ShapedAnthropicRequest | ShapedOpenAIRequest;

export interface PromptCachePolicy {
  /** Anthropic: 1-hour breakpoints on tools and system. */
  readonly anthropicLongTtlForStatic: boolean;
  /** OpenAI: `prompt_cache_retention`, when set. */
  readonly openaiRetention?: OpenAIRetention;
  /** Anthropic requires `max_tokens`: used when the request sets none. */
  readonly defaultMaxTokens: number;
}

/** Shapes the request for its provider (`request.provider`) with the model's cache facts. */
export function shapeRequest(
  req: ChatRequest,
  tenant: string,
  facts: ModelFacts,
  policy: PromptCachePolicy,
): ShapedRequest {
  if (req.provider === 'anthropic') {
    return shapeAnthropicRequest(req, {
      facts,
      defaultMaxTokens: Math.min(policy.defaultMaxTokens, facts.maxOutputTokens || policy.defaultMaxTokens),
      longTtlForStatic: policy.anthropicLongTtlForStatic,
    });
  }
  return shapeOpenAIRequest(req, {
    facts,
    tenant,
    ...(policy.openaiRetention ? { retention: policy.openaiRetention } : {}),
  });
}
