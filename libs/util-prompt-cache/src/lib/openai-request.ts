import type {
  ChatCompletionContentPartText,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type { ChatMessage, ChatRequest } from '@deja/contracts';
import type { ModelFacts } from '@deja/util-model-catalog';
import { forwardedFields } from './provider-fields';
import { cacheablePrefixSegments } from './segments';
import { sha256, sortKeys, stableJson } from './stable-json';
import { volatileWarnings } from './volatile';

export type OpenAIRetention = 'in_memory' | '24h';

export interface OpenAIShapeOptions {
  readonly facts: ModelFacts;
  /** The tenant: prompt cache keys never group two tenants' requests. */
  readonly tenant: string;
  /** `prompt_cache_retention`; `24h` is only sent to models that support it. */
  readonly retention?: OpenAIRetention;
}

export interface ShapedOpenAIRequest {
  readonly provider: 'openai';
  readonly body: ChatCompletionCreateParamsNonStreaming;
  readonly promptCacheKey: string;
  readonly warnings: readonly string[];
}

/**
 * The `prompt_cache_key` of a request: one per tenant, model, system prompt and tool set, so
 * requests that share their static prefix are routed to the same cache machines, and requests
 * that cannot share it are not piled onto one. Hashed: tenant ids and prompts never leave as text.
 */
export function promptCacheKey(tenant: string, req: Pick<ChatRequest, 'model' | 'system' | 'tools'>): string {
  return `deja-${sha256(tenant, req.model, stableJson(req.system ?? null), stableJson(req.tools ?? [])).slice(0, 40)}`;
}

/**
 * Translates the neutral request into an OpenAI Chat Completions request shaped for automatic
 * prompt caching: static content first (tools, then the system message), every object built in
 * a fixed key order with tool schemas key-sorted, so equal requests serialise to equal bytes,
 * plus a stable `prompt_cache_key` and, if asked for, `prompt_cache_retention`.
 */
export function shapeOpenAIRequest(req: ChatRequest, options: OpenAIShapeOptions): ShapedOpenAIRequest {
  const warnings: string[] = [];
  const messages = openAIMessages(req, warnings);
  const tools = openAITools(req, warnings);
  const extra = forwardedFields(req);
  const retention = retentionFor(req, extra, options, warnings);
  const key = cacheKeyFor(req, extra, options.tenant);
  const p = req.params;
  const toolChoice = openAIToolChoice(req.tool_choice);
  const { prompt_cache_key: _key, prompt_cache_retention: _retention, ...forwarded } = extra;
  const body: ChatCompletionCreateParamsNonStreaming = {
    ...(forwarded as Partial<ChatCompletionCreateParamsNonStreaming>),
    model: req.model,
    ...(tools && tools.length > 0 ? { tools } : {}),
    ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }),
    ...(req.response_format === undefined
      ? {}
      : {
          response_format: sortKeys(req.response_format) as ChatCompletionCreateParamsNonStreaming['response_format'],
        }),
    messages,
    ...(p.temperature === undefined ? {} : { temperature: p.temperature }),
    ...(p.top_p === undefined ? {} : { top_p: p.top_p }),
    ...(p.max_tokens === undefined ? {} : { max_completion_tokens: p.max_tokens }),
    ...(p.stop === undefined ? {} : { stop: p.stop }),
    ...(p.seed === undefined ? {} : { seed: p.seed }),
    ...(p.presence_penalty === undefined ? {} : { presence_penalty: p.presence_penalty }),
    ...(p.frequency_penalty === undefined ? {} : { frequency_penalty: p.frequency_penalty }),
    prompt_cache_key: key,
    ...(retention === undefined ? {} : { prompt_cache_retention: retention }),
  };
  warnings.push(...volatileWarnings(cacheablePrefixSegments(req)));
  return { provider: 'openai', body, promptCacheKey: key, warnings };
}

/** The system message first (static content leads), then the conversation. */
function openAIMessages(req: ChatRequest, warnings: string[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (typeof req.system === 'string') {
    if (req.system.length > 0) messages.push({ role: 'system', content: req.system });
  } else if (req.system && req.system.length > 0) {
    messages.push({ role: 'system', content: req.system.map((p) => ({ type: 'text', text: p.text })) });
  }
  for (const message of req.messages) messages.push(toOpenAIMessage(message));
  if (req.messages.some((m) => m.is_error))
    warnings.push('is_error on a tool result is an Anthropic field: not sent to OpenAI');
  return messages;
}

/** Function tools with key-sorted schemas, so equal tool sets serialise to equal bytes. */
function openAITools(req: ChatRequest, warnings: string[]): ChatCompletionTool[] | undefined {
  if (req.tools?.some((t) => t.options && Object.keys(t.options).length > 0))
    warnings.push('tool options are Anthropic fields: not sent to OpenAI');
  return req.tools?.map((t) => ({
    type: 'function',
    function: {
      name: t.name,
      ...(t.description === undefined ? {} : { description: t.description }),
      ...(t.parameters === undefined ? {} : { parameters: sortKeys(t.parameters) }),
      ...(t.strict === undefined ? {} : { strict: t.strict }),
    },
  }));
}

/** The caller's own retention choice wins over the deployment's default; 24 h only where the model has it. */
function retentionFor(
  req: ChatRequest,
  extra: Record<string, unknown>,
  options: OpenAIShapeOptions,
  warnings: string[],
): OpenAIRetention | undefined {
  const callerRetention = extra['prompt_cache_retention'];
  const retention: OpenAIRetention | undefined =
    callerRetention === 'in_memory' || callerRetention === '24h' ? callerRetention : options.retention;
  if (retention === '24h' && !options.facts.promptCache.supportsExtendedTtl) {
    warnings.push(`prompt_cache_retention "24h" is not supported by ${req.model}: in-memory retention used`);
    return undefined;
  }
  return retention;
}

/** A caller's prompt_cache_key groups its own requests; hashed with the tenant so it never groups two tenants'. */
function cacheKeyFor(req: ChatRequest, extra: Record<string, unknown>, tenant: string): string {
  const callerKey = extra['prompt_cache_key'];
  return typeof callerKey === 'string' ? `deja-${sha256(tenant, callerKey).slice(0, 40)}` : promptCacheKey(tenant, req);
}

function toOpenAIMessage(message: ChatMessage): ChatCompletionMessageParam {
  const content: string | ChatCompletionContentPartText[] =
    typeof message.content === 'string'
      ? message.content
      : message.content.map((p) => ({ type: 'text', text: p.text }));
  const name = message.name === undefined ? {} : { name: message.name };
  switch (message.role) {
    case 'user':
      return { role: 'user', content, ...name };
    case 'assistant': {
      const calls = message.tool_calls ?? [];
      const empty = typeof content === 'string' ? content.length === 0 : content.length === 0;
      return {
        role: 'assistant',
        ...name,
        content: empty && calls.length > 0 ? null : content,
        ...(calls.length > 0
          ? {
              tool_calls: calls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : {}),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id ?? '', content };
  }
}

/**
 * OpenAI-style choices pass — unknown object forms too (`allowed_tools`, `custom`), unchanged, so
 * a newer variant is never dropped; Anthropic-style ones (`{type:"tool",name}`, `{type:"any"}`)
 * are translated.
 */
function openAIToolChoice(choice: unknown): ChatCompletionToolChoiceOption | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (choice === 'any') return 'required';
  if (typeof choice === 'object') {
    const c = choice as { type?: unknown; name?: unknown; function?: { name?: unknown } };
    if (c.type === 'function' && typeof c.function?.name === 'string')
      return { type: 'function', function: { name: c.function.name } };
    if (c.type === 'tool' && typeof c.name === 'string') return { type: 'function', function: { name: c.name } };
    if (c.type === 'any') return 'required';
    if (c.type === 'auto' || c.type === 'none') return c.type;
    return sortKeys(choice) as ChatCompletionToolChoiceOption;
  }
  return undefined;
}
