import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions/completions';
import type { FunctionDefinition } from 'openai/resources/shared';
import { delivery, hint, refused, scoped, translated, type FieldRule } from './fields';

const isOne = (v: unknown) => v === 1;
const isFalse = (v: unknown) => v === false;
const textOnly = (v: unknown) => Array.isArray(v) && v.length === 1 && v[0] === 'text';

/**
 * What Deja does with every field of an OpenAI Chat Completions request (`openai` SDK types).
 * `satisfies Record<keyof …>` makes a field the SDK adds, and this table lacks, a compile error;
 * `openai-fields.spec.ts` checks the same against the installed SDK's declarations at test time.
 * docs/api.md has this table in prose.
 */
export const OPENAI_FIELDS = {
  model: translated,
  messages: translated,
  tools: translated,
  tool_choice: translated,
  response_format: translated,
  temperature: translated,
  top_p: translated,
  max_tokens: translated,
  max_completion_tokens: translated,
  stop: translated,
  seed: translated,
  presence_penalty: translated,
  frequency_penalty: translated,
  logit_bias: scoped,
  parallel_tool_calls: scoped,
  prediction: scoped,
  reasoning_effort: scoped,
  verbosity: scoped,
  metadata: hint,
  store: hint,
  user: hint,
  safety_identifier: hint,
  service_tier: hint,
  prompt_cache_key: hint,
  prompt_cache_retention: hint,
  prompt_cache_options: hint,
  stream: delivery,
  stream_options: delivery,
  n: refused('only n=1 is supported', isOne),
  logprobs: refused('log probabilities are not returned by Deja (a cached answer has none)', isFalse),
  top_logprobs: refused('log probabilities are not returned by Deja (a cached answer has none)'),
  modalities: refused('only text output is supported', textOnly),
  audio: refused('audio output is not supported: Deja caches text answers'),
  moderation: refused('moderated completions are not supported: their moderation results are not returned'),
  web_search_options: refused('web search is not supported: its answers follow the live web and are not cacheable'),
  functions: refused('deprecated by OpenAI: use tools'),
  function_call: refused('deprecated by OpenAI: use tool_choice'),
  deja: translated,
} as const satisfies Record<keyof ChatCompletionCreateParamsBase | 'deja', FieldRule>;

/** Fields of a function tool's `function` object. */
export const OPENAI_FUNCTION_FIELDS = {
  name: translated,
  description: translated,
  parameters: translated,
  strict: translated,
} as const satisfies Record<keyof FunctionDefinition, FieldRule>;
