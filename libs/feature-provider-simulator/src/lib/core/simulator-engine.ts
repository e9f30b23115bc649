import type { ModelFacts, Provider } from '@deja/util-model-catalog';
import { countTokens, findModel } from '@deja/util-model-catalog';
import { z } from 'zod';
import { invalidRequest, SimErrorCode, SimulatorException } from '../simulator.exception';
import type { AnthropicCacheUsage } from './anthropic-cache';
import { AnthropicPromptCache } from './anthropic-cache';
import {
  AnthropicCountTokensRequest,
  flattenAnthropicPrompt,
  lastAnthropicUserText,
  parseAnthropicRequest,
} from './anthropic-prompt';
import type { SimulatedAnswer } from './answer';
import { simulatedAnswer } from './answer';
import type { Clock } from './clock';
import { simulatedEmbedding } from './embeddings';
import { sha256, sha256Of } from './hash';
import type { LatencyModel, LatencyPlan } from './latency';
import { planLatency } from './latency';
import { OpenAIPromptCache } from './openai-cache';
import { lastOpenAIUserText, openAIPromptHash, parseOpenAIRequest, serialiseOpenAIPrompt } from './openai-prompt';
import { parseBody } from './request-schema';
import { anthropicOutputPlan, openAIOutputPlan } from './structured-output';

/** Who is calling and what the test asked for, from the request headers. */
export interface CallContext {
  /** The API key; caches are scoped by it as providers scope them by organisation. */
  readonly apiKey: string;
  /** `x-sim-output-tokens`: answer with exactly this many tokens (before `max_tokens`). */
  readonly outputTokens?: number;
  /** Extra time to first token (the `slow` fault). */
  readonly extraLatencyMs?: number;
}

interface TurnBase {
  readonly model: string;
  readonly facts: ModelFacts;
  readonly stream: boolean;
  readonly answer: SimulatedAnswer;
  readonly latency: LatencyPlan;
  readonly promptHash: string;
  readonly lastUserText: string;
  /**
   * Writes this request's cache entries. Call it when the response starts (after the time to
   * first token): only then can another request read them, as at the providers.
   */
  readonly commitCache: () => void;
}

export interface AnthropicTurn extends TurnBase {
  readonly usage: AnthropicCacheUsage & { output_tokens: number };
  readonly stopReason: 'end_turn' | 'max_tokens' | 'tool_use';
}

export interface OpenAITurn extends TurnBase {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly includeUsage: boolean;
  readonly promptCacheKey: string | null;
  readonly finishReason: 'stop' | 'length' | 'tool_calls';
}

const EmbeddingsRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1),
  ]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
});

export interface EmbeddingsResult {
  readonly model: string;
  readonly vectors: number[][];
  readonly promptTokens: number;
  readonly encoding: 'float' | 'base64';
  readonly promptHash: string;
  readonly firstInput: string;
}

/**
 * The simulator without HTTP: validates a request, consults and updates the prompt caches,
 * and decides the answer, usage and latency. The HTTP layer only formats and paces output.
 */
export class SimulatorEngine {
  readonly anthropicCache: AnthropicPromptCache;
  readonly openaiCache: OpenAIPromptCache;

  constructor(
    readonly clock: Clock,
    private readonly latencyModel: LatencyModel,
    cacheMaxEntries = 200_000,
  ) {
    this.anthropicCache = new AnthropicPromptCache(clock, cacheMaxEntries);
    this.openaiCache = new OpenAIPromptCache(clock, cacheMaxEntries);
  }

  anthropicMessages(body: unknown, ctx: CallContext): AnthropicTurn {
    const req = parseAnthropicRequest(body);
    const facts = this.model(req.model, 'anthropic', 'chat');
    const prompt = flattenAnthropicPrompt(req, facts.promptCache.maxBreakpoints);
    const plan = this.anthropicCache.plan({
      scope: keyScope(ctx.apiKey),
      model: facts.id,
      prompt,
      facts: facts.promptCache,
    });
    const { usage } = plan;
    const latency = planLatency(
      this.latencyModel,
      {
        uncachedTokens: usage.input_tokens + usage.cache_creation_input_tokens,
        cachedTokens: usage.cache_read_input_tokens,
      },
      ctx.extraLatencyMs,
    );
    const turn = this.turn(req, facts, ctx, latency, {
      promptHash: prompt.promptHash,
      lastUserText: lastAnthropicUserText(req),
      maxTokens: req.max_tokens,
      plan: anthropicOutputPlan(req),
    });
    const { answer } = turn;
    return {
      ...turn,
      commitCache: () => this.anthropicCache.commit(plan, this.clock.now()),
      usage: { ...usage, output_tokens: answer.tokens.length },
      stopReason: answer.truncated ? 'max_tokens' : answer.toolCall ? 'tool_use' : 'end_turn',
    };
  }

  /** `POST /v1/messages/count_tokens`: the whole prompt's size, as `input_tokens`. */
  anthropicCountTokens(body: unknown): { input_tokens: number } {
    const req = parseBody(AnthropicCountTokensRequest, body);
    const facts = this.model(req.model, 'anthropic', 'chat');
    return {
      input_tokens: flattenAnthropicPrompt({ ...req, max_tokens: 1 }, facts.promptCache.maxBreakpoints).totalTokens,
    };
  }

  openaiChat(body: unknown, ctx: CallContext): OpenAITurn {
    const req = parseOpenAIRequest(body);
    const facts = this.model(req.model, 'openai', 'chat');
    const tokens = serialiseOpenAIPrompt(req);
    const plan = this.openaiCache.plan({
      scope: keyScope(ctx.apiKey),
      model: facts.id,
      tokens,
      promptCacheKey: req.prompt_cache_key ?? null,
      retention: req.prompt_cache_retention ?? null,
      facts: facts.promptCache,
    });
    const latency = planLatency(
      this.latencyModel,
      { uncachedTokens: plan.promptTokens - plan.cachedTokens, cachedTokens: plan.cachedTokens },
      ctx.extraLatencyMs,
    );
    const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? undefined;
    const turn = this.turn(req, facts, ctx, latency, {
      promptHash: openAIPromptHash(tokens),
      lastUserText: lastOpenAIUserText(req),
      ...(maxTokens === undefined ? {} : { maxTokens }),
      plan: openAIOutputPlan(req),
    });
    const { answer } = turn;
    return {
      ...turn,
      commitCache: () => this.openaiCache.commit(plan, this.clock.now()),
      promptTokens: plan.promptTokens,
      cachedTokens: plan.cachedTokens,
      includeUsage: req.stream_options?.include_usage === true,
      promptCacheKey: req.prompt_cache_key ?? null,
      finishReason: answer.truncated ? 'length' : answer.toolCall ? 'tool_calls' : 'stop',
    };
  }

  /** What both dialects' turns share: the simulated answer to the prompt, and how it is paced. */
  private turn(
    req: { model: string; stream?: boolean | null },
    facts: ModelFacts,
    ctx: CallContext,
    latency: LatencyPlan,
    prompt: Omit<Parameters<typeof simulatedAnswer>[0], 'model' | 'outputTokens'>,
  ): Omit<TurnBase, 'commitCache'> {
    const answer = simulatedAnswer({
      model: facts.id,
      ...prompt,
      ...(ctx.outputTokens === undefined ? {} : { outputTokens: ctx.outputTokens }),
    });
    const { promptHash, lastUserText } = prompt;
    return { model: req.model, facts, stream: req.stream === true, answer, latency, promptHash, lastUserText };
  }

  openaiEmbeddings(body: unknown): EmbeddingsResult {
    const req = parseBody(EmbeddingsRequest, body);
    const facts = this.model(req.model, 'openai', 'embedding');
    const native = facts.embeddingDimensions ?? 1536;
    if (req.dimensions !== undefined && (!facts.supportsDimensions || req.dimensions > native)) {
      throw invalidRequest(
        facts.supportsDimensions
          ? `dimensions: must be at most ${native} for ${facts.id}`
          : `This model does not support specifying dimensions.`,
        'dimensions',
      );
    }
    const inputs: string[] =
      typeof req.input === 'string'
        ? [req.input]
        : req.input.map((item) =>
            typeof item === 'string' ? item : Array.isArray(item) ? item.join(' ') : String(item),
          );
    // A flat array of integers is ONE pre-tokenised input.
    const texts =
      Array.isArray(req.input) && typeof req.input[0] === 'number' ? [(req.input as number[]).join(' ')] : inputs;
    if (texts.some((t) => t.length === 0))
      throw invalidRequest("'$.input' is invalid: empty strings are not allowed.", 'input');
    const vectors = texts.map((t) => simulatedEmbedding(facts.id, t, native, req.dimensions ?? native));
    return {
      model: req.model,
      vectors,
      encoding: req.encoding_format ?? 'float',
      promptTokens: texts.reduce((n, t) => n + countTokens(t), 0),
      promptHash: sha256Of(texts),
      firstInput: texts[0] ?? '',
    };
  }

  private model(id: string, provider: Provider, kind: 'chat' | 'embedding'): ModelFacts {
    const facts = findModel(id);
    if (!facts || facts.provider !== provider) {
      throw new SimulatorException(
        SimErrorCode.NotFound,
        provider === 'anthropic'
          ? `model: ${id}`
          : `The model \`${id}\` does not exist or you do not have access to it.`,
        { param: 'model' },
      );
    }
    if (facts.kind !== kind) {
      throw invalidRequest(`The model \`${id}\` is not a${kind === 'chat' ? ' chat' : 'n embedding'} model.`, 'model');
    }
    return facts;
  }
}

/** Caches are per organisation at the providers; here, per API key (never stored in clear). */
export function keyScope(apiKey: string): string {
  return sha256('api-key', apiKey).slice(0, 16);
}
