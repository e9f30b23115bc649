import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { TextBlockParam, ToolResultBlockParam, ToolUseBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { managed, refused, translated, type FieldRule } from './fields';

/** Every key of any member of a union (`keyof` of a union gives only the shared ones). */
type KeysOfUnion<T> = T extends unknown ? keyof T : never;

const isNull = (v: unknown) => v === null;
const direct = (v: unknown) => typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'direct';
const none = (v: unknown) => v === null || (Array.isArray(v) && v.length === 0);

/**
 * Fields of an OpenAI message, whatever its role (the union of the SDK's message param types).
 * `name` is kept on user and assistant turns (in the scope); on system and developer messages
 * it is refused in code, since those merge into Deja's system prompt.
 */
export const OPENAI_MESSAGE_FIELDS = {
  role: translated,
  content: translated,
  name: translated,
  tool_calls: translated,
  tool_call_id: translated,
  refusal: refused("an earlier turn's refusal is not kept: send it as the assistant's content", isNull),
  audio: refused('audio turns are not supported: Deja caches text'),
  function_call: refused('deprecated by OpenAI: use tool_calls'),
} as const satisfies Record<KeysOfUnion<ChatCompletionMessageParam>, FieldRule>;

/** Fields of an Anthropic text block. */
export const ANTHROPIC_TEXT_BLOCK_FIELDS = {
  type: translated,
  text: translated,
  cache_control: managed,
  citations: refused('citations refer to documents, which Deja does not accept', none),
} as const satisfies Record<keyof TextBlockParam, FieldRule>;

/** Fields of an Anthropic `tool_use` block (an earlier assistant turn). */
export const ANTHROPIC_TOOL_USE_BLOCK_FIELDS = {
  type: translated,
  id: translated,
  name: translated,
  input: translated,
  cache_control: managed,
  caller: refused('programmatic tool calling needs code execution, which Deja does not run', direct),
  toolset_name: refused('toolsets are server tools, which Deja does not run', isNull),
} as const satisfies Record<keyof ToolUseBlockParam, FieldRule>;

/** Fields of an Anthropic `tool_result` block. */
export const ANTHROPIC_TOOL_RESULT_BLOCK_FIELDS = {
  type: translated,
  tool_use_id: translated,
  content: translated,
  is_error: translated,
  cache_control: managed,
  toolset_name: refused('toolsets are server tools, which Deja does not run', isNull),
} as const satisfies Record<keyof ToolResultBlockParam, FieldRule>;
