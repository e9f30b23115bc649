import type { ChatRequest } from '@deja/contracts';
import { sortKeys } from './stable-json';

/**
 * Keys Deja writes itself (from the neutral request) or must never send from a caller's fields:
 * the worker calls the provider non-streaming with one choice, and the prompt, tools and
 * generation parameters come from their neutral form.
 */
const RESERVED = new Set([
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'response_format',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'stop_sequences',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'stream',
  'stream_options',
  'n',
  'functions',
  'function_call',
]);

/**
 * The caller's provider fields to send: hints first, answer-changing params over them, keys
 * sorted so equal requests serialise to equal bytes, reserved keys dropped. Spread before
 * Deja's own fields, so Deja's always win.
 */
export function forwardedFields(req: Pick<ChatRequest, 'provider_params' | 'provider_hints'>): Record<string, unknown> {
  const merged = { ...(req.provider_hints ?? {}), ...(req.provider_params ?? {}) };
  return sortKeys(Object.fromEntries(Object.entries(merged).filter(([key]) => !RESERVED.has(key))));
}
