import type { MessageCreateParamsBase, Tool } from '@anthropic-ai/sdk/resources/messages';
import { delivery, hint, managed, refused, scoped, translated, type FieldRule } from './fields';

/** Sampling fields older Anthropic SDKs send and the API still takes; no longer in the SDK's types. */
type LegacyField = 'temperature' | 'top_p' | 'top_k';

const disabled = (v: unknown) => typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'disabled';

/**
 * What Deja does with every field of an Anthropic Messages request (`@anthropic-ai/sdk` types).
 * `satisfies Record<keyof …>` makes a field the SDK adds, and this table lacks, a compile error;
 * `anthropic-fields.spec.ts` checks the same against the installed SDK's declarations at test time.
 */
export const ANTHROPIC_FIELDS = {
  model: translated,
  max_tokens: translated,
  messages: translated,
  system: translated,
  tools: translated,
  tool_choice: translated,
  stop_sequences: translated,
  temperature: translated,
  top_p: translated,
  top_k: scoped,
  output_config: scoped,
  metadata: hint,
  service_tier: hint,
  inference_geo: hint,
  speed: hint,
  stream: delivery,
  cache_control: managed,
  thinking: refused(
    'extended thinking is not supported: thinking blocks are not carried in cached answers (send {"type":"disabled"} or leave it out)',
    disabled,
  ),
  container: refused('containers belong to server tools (code execution), which Deja does not run'),
  diagnostics: refused('prompt-cache diagnostics name provider message ids, which Deja does not expose'),
  user_profile_id: refused("Deja calls Anthropic with its own credentials: a caller's user profile cannot apply"),
  workspace_id: refused("Deja calls Anthropic with its own credentials: a caller's workspace cannot apply"),
  deja: translated,
} as const satisfies Record<keyof MessageCreateParamsBase | LegacyField | 'deja', FieldRule>;

/** Fields of a custom tool. */
export const ANTHROPIC_TOOL_FIELDS = {
  name: translated,
  description: translated,
  input_schema: translated,
  strict: translated,
  type: translated,
  cache_control: managed,
  input_examples: scoped,
  eager_input_streaming: delivery,
  defer_loading: refused('tool search is a server tool, which Deja does not run'),
  allowed_callers: refused('programmatic tool calling needs code execution, which Deja does not run'),
} as const satisfies Record<keyof Tool, FieldRule>;
