import { z } from 'zod';
import { boundedJson, storableString } from './primitives';

/**
 * The provider-neutral request Deja caches. Both compatible endpoints and the jobs API are
 * translated into this shape; the llm-worker translates it back into each provider's format.
 */
export const TextPart = z.object({
  type: z.literal('text'),
  text: z.string().max(2_000_000),
  /** A caller-marked stable block (e.g. a retrieved document) that prompt caching may mark. */
  cacheable: z.boolean().optional(),
});

export const ToolCall = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  arguments: z.string().max(1_000_000),
});
export type ToolCall = z.infer<typeof ToolCall>;

export const ChatMessage = z.object({
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.union([z.string().max(2_000_000), z.array(TextPart).max(200)]),
  tool_calls: z.array(ToolCall).max(100).optional(),
  tool_call_id: z.string().max(200).optional(),
  /** OpenAI participant name (`messages[].name`): it can change the answer, so it is in the scope. */
  name: z.string().min(1).max(200).optional(),
  /** Anthropic `tool_result.is_error`: the tool failed, and the model answers accordingly. */
  is_error: z.boolean().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** Provider fields Deja forwards unchanged, by name (the compatible endpoints allow only known ones). */
const ProviderFields = z.record(z.string().min(1).max(100), z.unknown());

export const ToolDefinition = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(100_000).optional(),
  parameters: boundedJson(z.record(z.string(), z.unknown())).optional(),
  /** Strict schema adherence (OpenAI `function.strict`, Anthropic `strict`): changes the answer. */
  strict: z.boolean().optional(),
  /** Other provider tool fields that change the answer (e.g. Anthropic `input_examples`): forwarded, in the scope. */
  options: ProviderFields.optional(),
});
export type ToolDefinition = z.infer<typeof ToolDefinition>;

/** Parameters that change the answer, and so belong to the cache scope. */
export const GenerationParams = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    max_tokens: z.number().int().positive().max(1_000_000).optional(),
    stop: z.array(z.string().max(1000)).max(16).optional(),
    seed: z.number().int().optional(),
    presence_penalty: z.number().min(-2).max(2).optional(),
    frequency_penalty: z.number().min(-2).max(2).optional(),
  })
  .strict();
export type GenerationParams = z.infer<typeof GenerationParams>;

export const ContextDoc = z.object({
  id: storableString(1, 500),
  version: z.number().int().nonnegative().optional(),
});
export type ContextDoc = z.infer<typeof ContextDoc>;

/** Deja's own options; stripped before anything is sent to a provider. */
export const CacheOptions = z
  .object({
    namespace: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._-]+$/)
      .default('default'),
    /** Cosine similarity threshold override; bounded by the namespace's configured range. */
    threshold: z.number().min(0).max(1).optional(),
    /**
     * Target false-hit rate for the learned decision stage (e.g. 0.02); bounded by the
     * namespace's range. Ignored when a raw `threshold` is given.
     */
    target_false_hit_rate: z.number().min(0).max(1).optional(),
    ttl_seconds: z
      .number()
      .int()
      .positive()
      .max(365 * 24 * 3600)
      .optional(),
    /** false: skip lookup (Cache-Control: no-cache). */
    lookup: z.boolean().default(true),
    /** false: never store the answer (Cache-Control: no-store). */
    store: z.boolean().default(true),
    /** Personal answers are scoped to this user. */
    user: storableString(1, 200).optional(),
    personal: z.boolean().default(false),
    context_docs: z.array(ContextDoc).max(100).default([]),
  })
  .strict();
export type CacheOptions = z.infer<typeof CacheOptions>;

export const ChatRequest = z.object({
  provider: z.enum(['openai', 'anthropic']),
  model: z.string().min(1).max(200),
  system: z.union([z.string().max(2_000_000), z.array(TextPart).max(50)]).optional(),
  messages: z.array(ChatMessage).min(1).max(1000),
  tools: z.array(ToolDefinition).max(128).optional(),
  tool_choice: boundedJson(z.unknown()).optional(),
  response_format: boundedJson(z.unknown()).optional(),
  params: GenerationParams.default({}),
  /**
   * Provider request fields that can change the answer and have no neutral form (e.g. OpenAI
   * `reasoning_effort`, `logit_bias`; Anthropic `output_config`, `top_k`): forwarded unchanged
   * to that provider and part of the cache scope.
   */
  provider_params: ProviderFields.optional(),
  /**
   * Provider request fields that cannot change the answer (e.g. `metadata`, `user`,
   * `service_tier`): forwarded unchanged, not part of the cache scope.
   */
  provider_hints: ProviderFields.optional(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

export const Answer = z.object({
  content: z.string(),
  finish_reason: z.string().max(100),
  tool_calls: z.array(ToolCall).optional(),
  /** True when a provider simulator, not a real provider, produced the answer. */
  simulated: z.boolean().default(false),
});
export type Answer = z.infer<typeof Answer>;
