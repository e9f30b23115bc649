import { tokenize } from '@deja/util-model-catalog';
import { z } from 'zod';
import { pushAll, sha256Of, shortHash, stableJson } from './hash';
import { parseBody } from './request-schema';

const ContentPart = z.looseObject({ type: z.string().min(1) });

/** The part of a Chat Completions request the simulator reads; other fields pass through. */
export const OpenAIChatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
        content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
        name: z.string().optional(),
        tool_calls: z.array(z.unknown()).optional(),
        tool_call_id: z.string().optional(),
      }),
    )
    .min(1),
  tools: z.array(z.unknown()).optional(),
  response_format: z.unknown().optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.enum(['in_memory', '24h']).nullish(),
  n: z.number().int().min(1).max(1, 'the simulator supports n=1 only').nullish(),
});
export type OpenAIChatRequest = z.infer<typeof OpenAIChatRequest>;

export function parseOpenAIRequest(body: unknown): OpenAIChatRequest {
  return parseBody(OpenAIChatRequest, body);
}

/** Tokens an image part costs (the real figure depends on size and `detail`; 85 is "low"). */
const IMAGE_TOKENS = 85;

function contentTokens(content: OpenAIChatRequest['messages'][number]['content']): string[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return tokenize(content);
  return content.flatMap((part) => {
    const record = part as Record<string, unknown>;
    if (part.type === 'text') return tokenize(String(record['text'] ?? ''));
    if (part.type === 'image_url') {
      const id = shortHash(stableJson(record['image_url']));
      return Array.from({ length: IMAGE_TOKENS }, (_, i) => `<|image:${id}:${i}|>`);
    }
    return tokenize(stableJson(part));
  });
}

/**
 * The prompt as the token sequence the cache compares: tools, then the response format, then
 * each message in order wrapped in role markers, then the assistant priming marker. Each
 * marker counts as one token.
 */
export function serialiseOpenAIPrompt(req: OpenAIChatRequest): string[] {
  const tokens: string[] = [];
  // pushAll, not push(...): a prompt of ~300 KB is more tokens than a call can take as arguments.
  if (req.tools?.length) {
    tokens.push('<|tools|>');
    pushAll(tokens, tokenize(stableJson(req.tools)));
  }
  if (req.response_format !== undefined && req.response_format !== null) {
    tokens.push('<|response_format|>');
    pushAll(tokens, tokenize(stableJson(req.response_format)));
  }
  for (const message of req.messages) {
    tokens.push(`<|start|>${message.role}${message.name ? `:${message.name}` : ''}`);
    pushAll(tokens, contentTokens(message.content));
    if (message.tool_calls?.length) pushAll(tokens, tokenize(stableJson(message.tool_calls)));
    if (message.tool_call_id) tokens.push(`<|tool_call_id:${message.tool_call_id}|>`);
    tokens.push('<|end|>');
  }
  tokens.push('<|start|>assistant');
  return tokens;
}

/** Hash of the whole prompt: the simulated answer is a function of model + this. */
export function openAIPromptHash(tokens: readonly string[]): string {
  return sha256Of(tokens);
}

/** Text of the last user message. */
export function lastOpenAIUserText(req: OpenAIChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const message = req.messages[i];
    if (message?.role !== 'user') continue;
    const content = message.content;
    if (typeof content === 'string') return content;
    return (content ?? [])
      .filter((p) => p.type === 'text')
      .map((p) => String((p as Record<string, unknown>)['text'] ?? ''))
      .join('\n');
  }
  return '';
}
