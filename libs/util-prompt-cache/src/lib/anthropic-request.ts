import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, ChatRequest } from '@deja/contracts';
import type { ModelFacts } from '@deja/util-model-catalog';
import { countTokens } from '@deja/util-model-catalog';
import type { Breakpoint, PrefixBlock } from './breakpoints';
import { planBreakpoints } from './breakpoints';
import { forwardedFields } from './provider-fields';
import { callerCacheControl, cacheablePrefixSegments } from './segments';
import { sortKeys, stableJson } from './stable-json';
import { volatileWarnings } from './volatile';

export interface AnthropicShapeOptions {
  readonly facts: ModelFacts;
  /** `max_tokens` is required by the API: used when the request does not set it. */
  readonly defaultMaxTokens: number;
  /** Give tools and system the 1-hour lifetime (where the model supports it). */
  readonly longTtlForStatic?: boolean;
}

export interface ShapedAnthropicRequest {
  readonly provider: 'anthropic';
  readonly body: MessageCreateParamsNonStreaming;
  readonly breakpoints: readonly Breakpoint[];
  readonly warnings: readonly string[];
  /** Tokens of the prompt as the shaper counts them (the catalog's counter). */
  readonly promptTokens: number;
}

/** Role marker overhead the simulator (and roughly the API) counts per message. */
const MESSAGE_OVERHEAD_TOKENS = 3;

interface BlockRef {
  readonly block: PrefixBlock;
  /** Sets `cache_control` on the body block this entry stands for. */
  readonly mark: (ttl: '5m' | '1h') => void;
  readonly unmark: () => void;
}

/**
 * Translates the neutral request into an Anthropic Messages request with prompt caching:
 * tools → system → messages, every block in array form so a block's bytes never depend on
 * whether it carries a breakpoint, and `cache_control` breakpoints placed by `planBreakpoints`.
 */
export function shapeAnthropicRequest(req: ChatRequest, options: AnthropicShapeOptions): ShapedAnthropicRequest {
  const warnings: string[] = [];
  const refs: BlockRef[] = [];
  const tools = anthropicTools(req.tools ?? [], refs);
  const system = anthropicSystem(req.system, refs);
  const messages = toAnthropicMessages(req.messages, warnings);
  const conversationPrefixEnd = messageBlockRefs(messages, refs);
  const plan = placeBreakpoints(refs, options, conversationPrefixEnd);
  warnings.push(...plan.warnings, ...unsentParamWarnings(req));
  const params = req.params;
  const toolChoice = anthropicToolChoice(req.tool_choice);
  const body: MessageCreateParamsNonStreaming = {
    ...(forwardedFields(req) as Partial<MessageCreateParamsNonStreaming>),
    model: req.model,
    max_tokens: params.max_tokens ?? options.defaultMaxTokens,
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
    ...(system.length > 0 ? { system } : {}),
    messages,
    ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
    ...(params.top_p === undefined ? {} : { top_p: params.top_p }),
    ...(params.stop === undefined ? {} : { stop_sequences: params.stop }),
  };
  warnings.push(...volatileWarnings(cacheablePrefixSegments(req)));
  return {
    provider: 'anthropic',
    body,
    breakpoints: plan.breakpoints,
    warnings,
    promptTokens: plan.cumulativeTokens.at(-1) ?? 0,
  };
}

/** Tools with sorted keys, each registered as a block of the `tools` section. */
function anthropicTools(neutral: NonNullable<ChatRequest['tools']>, refs: BlockRef[]): Tool[] {
  return neutral.map((t) => {
    const tool: Tool = {
      ...(sortKeys(t.options ?? {}) as Partial<Tool>),
      name: t.name,
      ...(t.description === undefined ? {} : { description: t.description }),
      input_schema: sortKeys({ type: 'object', ...(t.parameters ?? {}) }) as Tool.InputSchema,
      ...(t.strict === undefined ? {} : { strict: t.strict }),
    };
    refs.push({
      block: { section: 'tools', tokens: countTokens(stableJson(tool)) },
      mark: (ttl) => (tool.cache_control = cacheControl(ttl)),
      unmark: () => delete tool.cache_control,
    });
    return tool;
  });
}

/** The system prompt as text blocks (a caller's breakpoints kept), each registered in the `system` section. */
function anthropicSystem(neutral: ChatRequest['system'], refs: BlockRef[]): TextBlockParam[] {
  const parts =
    typeof neutral === 'string' ? (neutral ? [{ type: 'text' as const, text: neutral }] : []) : (neutral ?? []);
  return parts.map((part) => {
    const block: TextBlockParam = { type: 'text', text: part.text };
    const caller = callerCacheControl(part);
    if (caller) block.cache_control = caller;
    refs.push({
      block: {
        section: 'system',
        tokens: countTokens(part.text),
        ...(part.cacheable ? { cacheable: true } : {}),
        ...(caller ? { callerTtl: caller.ttl ?? '5m' } : {}),
      },
      mark: (ttl) => (block.cache_control = cacheControl(ttl)),
      unmark: () => delete block.cache_control,
    });
    return block;
  });
}

/**
 * Registers every message block in the `messages` section; returns the index of the last block
 * before the final user turn (the conversation so far), when there is one.
 */
function messageBlockRefs(messages: MessageParam[], refs: BlockRef[]): number | undefined {
  let lastUser = -1;
  const messageEnds: number[] = [];
  messages.forEach((message, m) => {
    if (message.role === 'user') lastUser = m;
    const content = message.content as ContentBlockParam[];
    content.forEach((block, b) => {
      const caller = 'cache_control' in block && block.cache_control ? callerCacheControl(block) : undefined;
      const cacheable = (block as { _cacheable?: boolean })._cacheable === true;
      delete (block as { _cacheable?: boolean })._cacheable;
      refs.push({
        block: {
          section: 'messages',
          tokens: (b === 0 ? MESSAGE_OVERHEAD_TOKENS : 0) + blockTokens(block),
          ...(cacheable ? { cacheable: true } : {}),
          ...(caller ? { callerTtl: caller.ttl ?? '5m' } : {}),
        },
        mark: (ttl) => ((block as { cache_control?: unknown }).cache_control = cacheControl(ttl)),
        unmark: () => delete (block as { cache_control?: unknown }).cache_control,
      });
    });
    messageEnds.push(refs.length - 1);
  });
  return lastUser > 0 ? messageEnds[lastUser - 1] : undefined;
}

/** Plans the breakpoints and marks the body's blocks: a caller's beyond the limit lose theirs. */
function placeBreakpoints(
  refs: BlockRef[],
  options: AnthropicShapeOptions,
  conversationPrefixEnd: number | undefined,
): ReturnType<typeof planBreakpoints> {
  const facts = options.facts.promptCache;
  const plan = planBreakpoints(
    refs.map((r) => r.block),
    {
      minCacheableTokens: facts.minCacheableTokens,
      maxBreakpoints: facts.maxBreakpoints,
      longTtlForStatic: (options.longTtlForStatic ?? false) && facts.supportsExtendedTtl,
      ...(conversationPrefixEnd === undefined ? {} : { conversationPrefixEnd }),
    },
  );
  const kept = new Set(plan.breakpoints.map((bp) => bp.index));
  refs.forEach((ref, i) => {
    if (ref.block.callerTtl && !kept.has(i)) ref.unmark(); // a caller breakpoint beyond the limit
  });
  for (const bp of plan.breakpoints) if (bp.reason !== 'caller') refs[bp.index]?.mark(bp.ttl);
  return plan;
}

/** The neutral fields Anthropic has no place for: not sent, and said so. */
function unsentParamWarnings(req: ChatRequest): string[] {
  const warnings: string[] = [];
  for (const unsupported of ['seed', 'presence_penalty', 'frequency_penalty'] as const) {
    if (req.params[unsupported] !== undefined)
      warnings.push(`params.${unsupported} is not supported by Anthropic and was not sent`);
  }
  if (req.response_format !== undefined)
    warnings.push('response_format is not supported by Anthropic and was not sent');
  return warnings;
}

function cacheControl(ttl: '5m' | '1h'): { type: 'ephemeral'; ttl?: '1h' } {
  // The 5-minute lifetime is the default: leaving `ttl` out keeps the request minimal.
  return ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
}

function blockTokens(block: ContentBlockParam): number {
  switch (block.type) {
    case 'text':
      return countTokens(block.text);
    case 'tool_use':
      return 4 + countTokens(block.name) + countTokens(stableJson(block.input ?? {}));
    case 'tool_result':
      return (
        4 +
        (typeof block.content === 'string' ? countTokens(block.content) : countTokens(stableJson(block.content ?? '')))
      );
    default:
      return countTokens(stableJson(block));
  }
}

function textBlocks(content: ChatMessage['content']): Array<TextBlockParam & { _cacheable?: boolean }> {
  if (typeof content === 'string') return content.length > 0 ? [{ type: 'text', text: content }] : [];
  return content.map((part) => {
    const block: TextBlockParam & { _cacheable?: boolean } = { type: 'text', text: part.text };
    const caller = callerCacheControl(part);
    if (caller) block.cache_control = caller;
    if (part.cacheable) block._cacheable = true;
    return block;
  });
}

/**
 * Neutral turns → Anthropic turns: assistant tool calls become `tool_use` blocks, tool results
 * become `tool_result` blocks of a user turn (consecutive results share one turn, as the API
 * expects).
 */
function toAnthropicMessages(messages: readonly ChatMessage[], warnings: string[]): MessageParam[] {
  const out: MessageParam[] = [];
  for (const message of messages) {
    if (message.role === 'tool') {
      const text =
        typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('\n');
      const result: ContentBlockParam = {
        type: 'tool_result',
        tool_use_id: message.tool_call_id ?? '',
        content: text,
        ...(message.is_error === undefined ? {} : { is_error: message.is_error }),
      };
      const previous = out.at(-1);
      if (
        previous?.role === 'user' &&
        (previous.content as ContentBlockParam[]).every((b) => b.type === 'tool_result')
      ) {
        (previous.content as ContentBlockParam[]).push(result);
      } else {
        out.push({ role: 'user', content: [result] });
      }
      continue;
    }
    if (message.name !== undefined) warnings.push('message names are an OpenAI field: not sent to Anthropic');
    const content: ContentBlockParam[] = textBlocks(message.content);
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        content.push({
          type: 'tool_use',
          id: call.id,
          name: call.name,
          input: parseArguments(call.arguments, call.name, warnings),
        });
      }
    }
    if (content.length === 0) content.push({ type: 'text', text: '' });
    out.push({ role: message.role, content });
  }
  return out;
}

function parseArguments(raw: string, name: string, warnings: string[]): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw || '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through: sent wrapped below
  }
  warnings.push(`tool call "${name}": arguments are not a JSON object and were sent as {"arguments": "…"}`);
  return { arguments: raw };
}

/** OpenAI-style (`"auto"`, `"required"`, `{type:"function",function:{name}}`) or Anthropic-style choices; unknown variants pass unchanged. */
function anthropicToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required' || choice === 'any') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  if (typeof choice === 'object') {
    const c = choice as {
      type?: unknown;
      name?: unknown;
      function?: { name?: unknown };
      disable_parallel_tool_use?: unknown;
    };
    const name =
      typeof c.function?.name === 'string' ? c.function.name : typeof c.name === 'string' ? c.name : undefined;
    // `disable_parallel_tool_use` changes the answer: kept as the caller sent it.
    const parallel =
      typeof c.disable_parallel_tool_use === 'boolean'
        ? { disable_parallel_tool_use: c.disable_parallel_tool_use }
        : {};
    if (name) return { type: 'tool', name, ...parallel };
    if (c.type === 'auto' || c.type === 'any') return { type: c.type, ...parallel };
    if (c.type === 'none') return { type: 'none' };
    // A variant this code does not know is sent as it came, never dropped.
    if (typeof c.type === 'string') return sortKeys(choice) as ToolChoice;
  }
  return undefined;
}
