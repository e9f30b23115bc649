import { z } from 'zod';
import type { ChatMessage } from '@deja/contracts';
import { parseOrThrow, spentUsage, stopKind, unsupported } from './common';
import type { CompletedAnswer, NeutralRequest, TranslatedRequest } from './common';
import { forwardFields, isObject, nonEmpty } from './fields';
import { OPENAI_MESSAGE_FIELDS } from './message-fields';
import { OPENAI_FIELDS, OPENAI_FUNCTION_FIELDS } from './openai-fields';

const ContentPart = z.object({ type: z.string(), text: z.string().optional() }).loose();
const Content = z.union([z.string(), z.array(ContentPart)]);

const OpenAiToolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const OpenAiMessage = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    content: Content.nullable().optional(),
    tool_calls: z.array(OpenAiToolCall).optional(),
    tool_call_id: z.string().optional(),
    name: z.string().nullish(),
  })
  .loose()
  // As OpenAI: only an assistant message (which may carry just tool calls) may leave content out.
  .refine((m) => m.role === 'assistant' || (m.content !== null && m.content !== undefined), {
    message: 'content is required for this role',
    path: ['content'],
  });

const nullableNumber = z.number().nullable().optional();

/** The OpenAI Chat Completions request body, as far as Deja reads it (its field table refuses unknown fields). */
export const OpenAiChatBody = z
  .object({
    model: z.string().min(1),
    messages: z.array(OpenAiMessage).min(1),
    tools: z
      .array(
        z.object({
          type: z.literal('function'),
          function: z.object({
            name: z.string().min(1),
            description: z.string().optional(),
            parameters: z.record(z.string(), z.unknown()).optional(),
            strict: z.boolean().nullable().optional(),
          }),
        }),
      )
      .optional(),
    tool_choice: z.unknown().optional(),
    response_format: z.unknown().optional(),
    temperature: nullableNumber,
    top_p: nullableNumber,
    max_tokens: z.number().int().nullable().optional(),
    max_completion_tokens: z.number().int().nullable().optional(),
    stop: z
      .union([z.string(), z.array(z.string())])
      .nullable()
      .optional(),
    seed: z.number().int().nullable().optional(),
    presence_penalty: nullableNumber,
    frequency_penalty: nullableNumber,
    n: z.number().int().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullable().optional(),
    deja: z.unknown().optional(),
  })
  .loose();
export type OpenAiChatBody = z.infer<typeof OpenAiChatBody>;

function textOf(
  content: z.infer<typeof Content> | null | undefined,
  path: string,
): string | Array<{ type: 'text'; text: string }> {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((p, i) => {
    if (p.type !== 'text' || typeof p.text !== 'string')
      throw unsupported(`${path}.${i}`, `content part type '${p.type}' is not supported (text only)`);
    return { type: 'text' as const, text: p.text };
  });
}

/** Drops undefined and null fields (OpenAI clients send `null` for "not set"). */
function definedOnly<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as {
    [K in keyof T]?: NonNullable<T[K]>;
  };
}

/** OpenAI Chat Completions body → the neutral request (system and developer messages become `system`). */
export function openAiToNeutral(body: unknown): TranslatedRequest {
  const b = parseOrThrow(OpenAiChatBody, body);
  const forwarded = forwardFields(body as Record<string, unknown>, OPENAI_FIELDS, 'OpenAI Chat Completions request');
  refuseUnknownFunctionFields((body as { tools?: unknown }).tools);
  const { system, messages } = neutralMessages(b.messages, (body as { messages: unknown[] }).messages);
  const stop = typeof b.stop === 'string' ? [b.stop] : (b.stop ?? undefined);
  const request: NeutralRequest = {
    provider: 'openai',
    model: b.model,
    messages,
    params: definedOnly({
      temperature: b.temperature,
      top_p: b.top_p,
      max_tokens: b.max_completion_tokens ?? b.max_tokens,
      stop,
      seed: b.seed,
      presence_penalty: b.presence_penalty,
      frequency_penalty: b.frequency_penalty,
    }),
  };
  // One system message stays a plain string; several keep their boundaries as parts.
  if (system.length === 1) request.system = system[0].text;
  else if (system.length > 1) request.system = system;
  if (b.tools?.length) request.tools = b.tools.map(neutralTool);
  if (b.tool_choice !== undefined && b.tool_choice !== null) request.tool_choice = b.tool_choice;
  if (b.response_format !== undefined && b.response_format !== null) request.response_format = b.response_format;
  const params = nonEmpty(forwarded.params);
  const hints = nonEmpty(forwarded.hints);
  if (params) request.provider_params = params;
  if (hints) request.provider_hints = hints;
  return { request, deja: b.deja, stream: b.stream === true, includeUsage: b.stream_options?.include_usage === true };
}

/** The function definitions' own field table (the body's schema reads only what Deja uses). */
function refuseUnknownFunctionFields(rawTools: unknown): void {
  if (!Array.isArray(rawTools)) return;
  rawTools.forEach((t, i) => {
    if (isObject(t) && isObject(t['function']))
      forwardFields(t['function'], OPENAI_FUNCTION_FIELDS, 'OpenAI function definition', `tools.${i}.function.`);
  });
}

type NeutralMessage = z.input<typeof ChatMessage>;

/** System and developer messages merge into `system`; the others become neutral messages in order. */
function neutralMessages(
  parsed: OpenAiChatBody['messages'],
  raw: unknown[],
): { system: Array<{ type: 'text'; text: string }>; messages: NeutralMessage[] } {
  const system: Array<{ type: 'text'; text: string }> = [];
  const messages: NeutralMessage[] = [];
  parsed.forEach((m, i) => {
    const path = `messages.${i}`;
    forwardFields(raw[i] as Record<string, unknown>, OPENAI_MESSAGE_FIELDS, 'OpenAI message', `${path}.`);
    const content = textOf(m.content, `${path}.content`);
    if (m.role !== 'system' && m.role !== 'developer') {
      messages.push(neutralMessage(m, content, path));
      return;
    }
    if (m.name)
      throw unsupported(`${path}.name`, 'a name on a system or developer message is not kept (they merge into one)');
    if (typeof content === 'string') system.push({ type: 'text', text: content });
    else system.push(...content);
  });
  return { system, messages };
}

function neutralMessage(
  m: OpenAiChatBody['messages'][number],
  content: NeutralMessage['content'],
  path: string,
): NeutralMessage {
  if (m.role === 'tool') {
    if (!m.tool_call_id) throw unsupported(`${path}.tool_call_id`, 'a tool message needs tool_call_id');
    return { role: 'tool', content, tool_call_id: m.tool_call_id };
  }
  const msg: NeutralMessage = { role: m.role as 'user' | 'assistant', content, ...(m.name ? { name: m.name } : {}) };
  if (m.role === 'assistant' && m.tool_calls?.length) {
    msg.tool_calls = m.tool_calls.map((tc) => ({
      id: tc.id,
      name: tc.function.name,
      arguments: tc.function.arguments,
    }));
  }
  return msg;
}

function neutralTool(t: NonNullable<OpenAiChatBody['tools']>[number]): { name: string } {
  return definedOnly({
    name: t.function.name,
    description: t.function.description,
    parameters: t.function.parameters,
    strict: t.function.strict,
  }) as { name: string };
}

export const FINISH: Record<ReturnType<typeof stopKind>, string> = {
  stop: 'stop',
  stop_sequence: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
};

/** Usage in OpenAI's field names: prompt_tokens include cached ones, reported in prompt_tokens_details. */
export function openAiUsage(a: CompletedAnswer): Record<string, unknown> {
  const u = spentUsage(a.result);
  const prompt = u.input_tokens + u.cache_read_tokens + u.cache_write_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.output_tokens,
    total_tokens: prompt + u.output_tokens,
    prompt_tokens_details: { cached_tokens: u.cache_read_tokens },
  };
}

export const completionId = (jobId: string) => `chatcmpl-${jobId}`;
const created = (a: CompletedAnswer) => Math.floor(Date.parse(a.result.completed_at) / 1000);

/** A completed answer as an OpenAI `chat.completion` object. */
export function openAiCompletion(a: CompletedAnswer): Record<string, unknown> {
  const answer = a.result.answer ?? { content: '', finish_reason: 'stop', tool_calls: undefined };
  const toolCalls = answer.tool_calls?.length
    ? answer.tool_calls.map((tc) => ({
        id: tc.id,
        type: 'function',
        function: { name: tc.name, arguments: tc.arguments },
      }))
    : undefined;
  return {
    id: completionId(a.jobId),
    object: 'chat.completion',
    created: created(a),
    model: a.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls && answer.content === '' ? null : answer.content,
          refusal: null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: FINISH[stopKind(answer.finish_reason)],
      },
    ],
    usage: openAiUsage(a),
    system_fingerprint: null,
  };
}
