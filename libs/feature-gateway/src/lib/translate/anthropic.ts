import { z } from 'zod';
import type { ChatMessage } from '@deja/contracts';
import { parseOrThrow, spentUsage, stopKind, unsupported } from './common';
import type { CompletedAnswer, NeutralRequest, TranslatedRequest } from './common';
import { ANTHROPIC_FIELDS, ANTHROPIC_TOOL_FIELDS } from './anthropic-fields';
import { forwardFields, nonEmpty } from './fields';
import {
  ANTHROPIC_TEXT_BLOCK_FIELDS,
  ANTHROPIC_TOOL_RESULT_BLOCK_FIELDS,
  ANTHROPIC_TOOL_USE_BLOCK_FIELDS,
} from './message-fields';

const CacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() }).loose();
const TextBlock = z
  .object({ type: z.literal('text'), text: z.string(), cache_control: CacheControl.nullable().optional() })
  .loose();
/** Blocks are checked by type in code, so an unsupported type gets a clear message instead of a union error. */
const Block = z.object({ type: z.string() }).loose();

const AnthropicMessage = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(Block)]),
});

/** The Anthropic Messages request body, as far as Deja reads it (its field table refuses unknown fields). */
export const AnthropicMessagesBody = z
  .object({
    model: z.string().min(1),
    max_tokens: z.number().int().positive(),
    messages: z.array(AnthropicMessage).min(1),
    system: z.union([z.string(), z.array(TextBlock)]).optional(),
    tools: z
      .array(
        z
          .object({
            name: z.string().min(1),
            description: z.string().optional(),
            input_schema: z.record(z.string(), z.unknown()),
            type: z.string().nullable().optional(),
            strict: z.boolean().optional(),
            cache_control: CacheControl.nullable().optional(),
          })
          .loose(),
      )
      .optional(),
    tool_choice: z.unknown().optional(),
    temperature: z.number().optional(),
    top_p: z.number().optional(),
    top_k: z.number().optional(),
    stop_sequences: z.array(z.string()).optional(),
    stream: z.boolean().optional(),
    metadata: z.unknown().optional(),
    deja: z.unknown().optional(),
  })
  .loose();
export type AnthropicMessagesBody = z.infer<typeof AnthropicMessagesBody>;

type NeutralPart = { type: 'text'; text: string; cacheable?: boolean };

function textPart(block: z.infer<typeof Block>, path: string): NeutralPart {
  const t = TextBlock.safeParse(block);
  if (!t.success) throw unsupported(path, 'a text block needs a string `text`');
  forwardFields(block, ANTHROPIC_TEXT_BLOCK_FIELDS, 'Anthropic text block', `${path}.`);
  return t.data.cache_control
    ? { type: 'text', text: t.data.text, cacheable: true }
    : { type: 'text', text: t.data.text };
}

/** Parts collapse to a plain string when nothing marks them cacheable, so equal prompts look equal. */
function compact(parts: NeutralPart[]): string | NeutralPart[] {
  return parts.some((p) => p.cacheable) || parts.length !== 1 ? parts : parts[0].text;
}

function toolResultContent(block: z.infer<typeof Block>, path: string): string | NeutralPart[] {
  const content = (block as { content?: unknown }).content;
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    throw unsupported(`${path}.content`, 'tool_result content must be a string or text blocks');
  return compact(content.map((c, i) => textPart(Block.parse(c), `${path}.content.${i}`)));
}

/** The SDK sends `user_profile_id` and `workspace_id` as these headers, not in the body. */
const CREDENTIAL_HEADERS = { 'anthropic-user-profile-id': 'user_profile_id', 'anthropic-workspace-id': 'workspace_id' };

/** Refuses the Anthropic header parameters that select the caller's own credentials (Deja uses its own). */
export function refuseCredentialHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): void {
  for (const [header, field] of Object.entries(CREDENTIAL_HEADERS)) {
    if (headers[header] !== undefined)
      throw unsupported(
        field,
        `Deja calls Anthropic with its own credentials: a caller's ${field} (${header}) cannot apply`,
      );
  }
}

/**
 * Anthropic Messages body → the neutral request. `cache_control`-marked text blocks become
 * `cacheable` parts; `tool_use` blocks become tool calls and `tool_result` blocks tool messages.
 */
export function anthropicToNeutral(body: unknown): TranslatedRequest {
  const b = parseOrThrow(AnthropicMessagesBody, body);
  const forwarded = forwardFields(body as Record<string, unknown>, ANTHROPIC_FIELDS, 'Anthropic Messages request');
  const request: NeutralRequest = {
    provider: 'anthropic',
    model: b.model,
    messages: b.messages.flatMap((m, i) => neutralMessages(m, `messages.${i}.content`)),
    params: Object.fromEntries(
      Object.entries({
        max_tokens: b.max_tokens,
        temperature: b.temperature,
        top_p: b.top_p,
        stop: b.stop_sequences,
      }).filter(([, v]) => v !== undefined),
    ),
  };
  if (typeof b.system === 'string') request.system = b.system;
  else if (b.system) request.system = compact(b.system.map((s, i) => textPart(s, `system.${i}`)));
  if (b.tools?.length) request.tools = b.tools.map(neutralTool);
  if (b.tool_choice !== undefined) request.tool_choice = b.tool_choice;
  const params = nonEmpty(forwarded.params);
  const hints = nonEmpty(forwarded.hints);
  if (params) request.provider_params = params;
  if (hints) request.provider_hints = hints;
  return { request, deja: b.deja, stream: b.stream === true, includeUsage: true };
}

type NeutralMessage = z.input<typeof ChatMessage>;

/**
 * One Anthropic message → neutral messages: its text and tool calls as one message, each
 * `tool_result` block as a tool message of its own (before it, as the blocks are read).
 */
function neutralMessages(m: z.infer<typeof AnthropicMessage>, path: string): NeutralMessage[] {
  if (typeof m.content === 'string') return [{ role: m.role, content: m.content }];
  const messages: NeutralMessage[] = [];
  const parts: NeutralPart[] = [];
  const toolCalls: Array<{ id: string; name: string; arguments: string }> = [];
  m.content.forEach((block, j) => {
    const p = `${path}.${j}`;
    switch (block.type) {
      case 'text':
        parts.push(textPart(block, p));
        break;
      case 'tool_use':
        toolCalls.push(toolCall(block, m.role, p));
        break;
      case 'tool_result':
        messages.push(toolResult(block, m.role, p));
        break;
      default:
        throw unsupported(
          p,
          `content block type '${block.type}' is not supported (text, tool_use and tool_result are)`,
        );
    }
  });
  if (parts.length > 0 || toolCalls.length > 0) {
    const msg: NeutralMessage = { role: m.role, content: parts.length > 0 ? compact(parts) : '' };
    if (toolCalls.length > 0) msg.tool_calls = toolCalls;
    messages.push(msg);
  }
  return messages;
}

function toolCall(
  block: z.infer<typeof Block>,
  role: 'user' | 'assistant',
  p: string,
): { id: string; name: string; arguments: string } {
  const tu = block as { id?: unknown; name?: unknown; input?: unknown };
  forwardFields(block, ANTHROPIC_TOOL_USE_BLOCK_FIELDS, 'Anthropic tool_use block', `${p}.`);
  if (role !== 'assistant') throw unsupported(p, 'tool_use blocks belong to assistant messages');
  if (typeof tu.id !== 'string' || typeof tu.name !== 'string') throw unsupported(p, 'tool_use needs id and name');
  return { id: tu.id, name: tu.name, arguments: JSON.stringify(tu.input ?? {}) };
}

function toolResult(block: z.infer<typeof Block>, role: 'user' | 'assistant', p: string): NeutralMessage {
  const tr = block as { tool_use_id?: unknown; is_error?: unknown };
  forwardFields(block, ANTHROPIC_TOOL_RESULT_BLOCK_FIELDS, 'Anthropic tool_result block', `${p}.`);
  if (role !== 'user') throw unsupported(p, 'tool_result blocks belong to user messages');
  if (typeof tr.tool_use_id !== 'string') throw unsupported(p, 'tool_result needs tool_use_id');
  return {
    role: 'tool',
    tool_call_id: tr.tool_use_id,
    content: toolResultContent(block, p),
    ...(typeof tr.is_error === 'boolean' ? { is_error: tr.is_error } : {}),
  };
}

function neutralTool(t: NonNullable<AnthropicMessagesBody['tools']>[number], i: number) {
  if (t.type !== undefined && t.type !== null && t.type !== 'custom')
    throw unsupported(`tools.${i}.type`, `server tool '${t.type}' is not supported`);
  const options = nonEmpty(forwardFields(t, ANTHROPIC_TOOL_FIELDS, 'Anthropic tool definition', `tools.${i}.`).params);
  return {
    name: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    parameters: t.input_schema,
    ...(typeof t.strict === 'boolean' ? { strict: t.strict } : {}),
    ...(options ? { options } : {}),
  };
}

export const STOP: Record<ReturnType<typeof stopKind>, string> = {
  stop: 'end_turn',
  stop_sequence: 'stop_sequence',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

/** Usage in Anthropic's field names: `input_tokens` is uncached input; cache writes and reads are separate. */
export function anthropicUsage(a: CompletedAnswer): Record<string, number> {
  const u = spentUsage(a.result);
  return {
    input_tokens: u.input_tokens,
    cache_creation_input_tokens: u.cache_write_tokens,
    cache_read_input_tokens: u.cache_read_tokens,
    output_tokens: u.output_tokens,
  };
}

export type AnthropicBlock =
  { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };

export function contentBlocks(a: CompletedAnswer): AnthropicBlock[] {
  const answer = a.result.answer ?? { content: '', tool_calls: undefined };
  const blocks: AnthropicBlock[] = [];
  if (answer.content !== '' || !answer.tool_calls?.length) blocks.push({ type: 'text', text: answer.content });
  for (const tc of answer.tool_calls ?? [])
    blocks.push({ type: 'tool_use', id: tc.id, name: tc.name, input: parseArguments(tc.arguments) });
  return blocks;
}

function parseArguments(args: string): unknown {
  try {
    return args.trim() === '' ? {} : JSON.parse(args);
  } catch {
    return { _raw: args };
  }
}

export const messageId = (jobId: string) => `msg_${jobId}`;

/** A completed answer as an Anthropic `message` object. */
export function anthropicMessage(a: CompletedAnswer): Record<string, unknown> {
  return {
    id: messageId(a.jobId),
    type: 'message',
    role: 'assistant',
    model: a.model,
    content: contentBlocks(a),
    stop_reason: STOP[stopKind(a.result.answer?.finish_reason ?? 'stop')],
    stop_sequence: null,
    usage: anthropicUsage(a),
  };
}
