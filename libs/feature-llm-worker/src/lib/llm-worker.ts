import { LLM_WORKER_DEFAULTS as WORKER_DEFAULTS } from '@deja/util-config';
import type { CompletionV1, MissV1, Provider, WireError } from '@deja/contracts';
import type { LlmProviderClient, ProviderResponse } from '@deja/data-access-providers';
import { ProviderError, ProviderErrorCode } from '@deja/data-access-providers';
import type { ModelFacts } from '@deja/util-model-catalog';
import { resolveModel, UNKNOWN_MODEL_DEFAULTS, UnknownModelError } from '@deja/util-model-catalog';
import type { PromptCachePolicy, ShapedRequest } from '@deja/util-prompt-cache';
import { shapeRequest, stableJson } from '@deja/util-prompt-cache';
import { withSpan } from '@deja/util-telemetry';
import type { BreakerSettings, BreakerState } from './circuit-breaker';
import { CircuitBreaker } from './circuit-breaker';
import type { Clock } from './clock';
import { systemClock } from './clock';
import type { CoalesceRole } from './coalescer';
import { Coalescer } from './coalescer';
import { costOf, followerCost, wireUsage, ZERO_COST, ZERO_USAGE } from './cost';
import type { RetryPolicy } from './retry-policy';
import { withRetries } from './retry-policy';

export interface LlmWorkerOptions {
  readonly promptCache: PromptCachePolicy;
  readonly retry: RetryPolicy;
  readonly breaker: BreakerSettings;
  /** How long a finished answer is handed to identical misses (0: only concurrent ones share). */
  readonly coalesceWindowMs: number;
  /**
   * Misses submitted longer ago than this are not sent to the provider (0: no limit): a consumer
   * group that starts from the beginning of the topic would otherwise pay again for every
   * request still retained — requests whose callers stopped waiting long ago.
   */
  readonly maxMissAgeMs?: number;
}

/** The worker's defaults (typed once in util-config: configs load them before tracing starts). */
export const LLM_WORKER_DEFAULTS = WORKER_DEFAULTS satisfies Omit<LlmWorkerOptions, 'promptCache'>;

/** Hooks for metrics and logs; every method optional. */
export interface LlmWorkerObserver {
  providerCall?(provider: Provider, model: string, outcome: 'ok' | 'error', latencyMs: number): void;
  providerError?(provider: Provider, code: string): void;
  retry?(provider: Provider, code: string, delayMs: number): void;
  breakerState?(provider: Provider, state: BreakerState): void;
  completion?(completion: CompletionV1, role: CoalesceRole): void;
}

/**
 * Where a streamed miss's text goes while the provider generates it. Each provider attempt gets
 * its own sink, so the text of a retry is never appended to that of the attempt that broke.
 */
export interface LiveText {
  attempt(): (delta: string) => void;
}

export interface LlmWorkerDeps {
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly observer?: LlmWorkerObserver;
}

/** What one provider call (with its retries) came to; shared by everyone coalesced onto it. */
type CallOutcome =
  | { ok: true; response: ProviderResponse; facts: ModelFacts; warnings: string[]; latencyMs: number }
  | { ok: false; error: WireError; warnings: string[]; latencyMs: number };

const MAX_WARNINGS = 20;
const MAX_WARNING_CHARS = 500;

/** Failure codes the worker adds to the providers' own (`ProviderErrorCode`). */
export enum WorkerErrorCode {
  /** The shaped request could not be built (an unknown model of an unknown provider, bad input). */
  InvalidRequest = 'invalid_request',
  /** The miss is older than `maxMissAgeMs`: not sent to the provider. */
  Expired = 'miss_expired',
  /** A bug: an error the worker did not expect. Never retried automatically. */
  Internal = 'internal_error',
}

/**
 * The llm-worker's use case: one miss in, one `CompletionV1` out — never an exception for a
 * provider failure. Applies prompt caching (util-prompt-cache), calls the provider through its
 * breaker with bounded retries, prices the call, and coalesces identical misses onto one call.
 */
export class LlmWorker {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly observer: LlmWorkerObserver;
  private readonly breakers = new Map<Provider, CircuitBreaker>();
  private readonly coalescer: Coalescer<CallOutcome>;

  constructor(
    private readonly clients: ReadonlyMap<Provider, LlmProviderClient>,
    private readonly options: LlmWorkerOptions,
    deps: LlmWorkerDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.observer = deps.observer ?? {};
    this.coalescer = new Coalescer<CallOutcome>(options.coalesceWindowMs, this.clock);
  }

  /**
   * Answers one miss. `key` is its Kafka key (scope hash + query hash). With `live`, the provider
   * call streams and its text goes there as it is generated (only a call this miss leads: one it
   * joins or reuses was not streamed to it, and its caller gets the finished answer).
   */
  async complete(miss: MissV1, key: string | null, live?: LiveText): Promise<CompletionV1> {
    const attributes = {
      'deja.tenant': miss.tenant,
      'deja.request_id': miss.request_id,
      'deja.scope_hash': miss.lookup.scope_hash,
      'gen_ai.system': miss.request.provider,
      'gen_ai.request.model': miss.request.model,
    };
    return withSpan('deja.llm.complete', attributes, async (span) => {
      const { completion, role } = await this.completeInner(miss, key, live);
      span.setAttributes({
        'deja.coalesce.role': role,
        'deja.completion.status': completion.status,
        'deja.completion.error': completion.error?.code ?? '',
        'gen_ai.usage.input_tokens':
          completion.usage.input_tokens + completion.usage.cache_write_tokens + completion.usage.cache_read_tokens,
        'gen_ai.usage.output_tokens': completion.usage.output_tokens,
        'deja.usage.cache_read_tokens': completion.usage.cache_read_tokens,
        'deja.usage.cache_write_tokens': completion.usage.cache_write_tokens,
        'deja.cost.usd': completion.cost.usd,
        'deja.cost.saved_usd': completion.cost.saved_usd,
        'deja.warnings': completion.warnings.length,
      });
      return completion;
    });
  }

  private async completeInner(
    miss: MissV1,
    key: string | null,
    live: LiveText | undefined,
  ): Promise<{ completion: CompletionV1; role: CoalesceRole }> {
    const started = this.clock.now();
    const ageMs = started - Date.parse(miss.submitted_at);
    const maxAge = this.options.maxMissAgeMs ?? 0;
    if (maxAge > 0 && ageMs > maxAge) {
      const error = {
        code: WorkerErrorCode.Expired,
        message: `submitted ${Math.round(ageMs / 1000)} s ago, more than the ${Math.round(maxAge / 1000)} s limit: not sent to ${miss.request.provider}`,
        retriable: false,
      };
      const completion = this.toCompletion(miss, { ok: false, error, warnings: [], latencyMs: 0 }, 'leader', 0);
      this.observer.completion?.(completion, 'leader');
      return { completion, role: 'leader' };
    }
    const { value: outcome, role } = await this.coalescer.run(coalescingKey(miss, key), () => this.call(miss, live), {
      // A no-cache request may share a call already running, never an answer already given.
      reuseRecent: miss.cache.lookup !== false && miss.lookup.outcome !== 'bypass',
      remember: (o) => o.ok && o.response.complete,
      submittedAt: Date.parse(miss.submitted_at),
    });
    const completion = this.toCompletion(miss, outcome, role, this.clock.now() - started);
    this.observer.completion?.(completion, role);
    return { completion, role };
  }

  /** Breaker state per provider (for health and tests). */
  breakerState(provider: Provider): BreakerState {
    return this.breakers.get(provider)?.state ?? 'closed';
  }

  /** One provider call for a miss: prepare → send (breaker, retries) → outcome. */
  private async call(miss: MissV1, live: LiveText | undefined): Promise<CallOutcome> {
    const started = this.clock.now();
    const warnings: string[] = [];
    const outcome = (error: WireError): CallOutcome => ({
      ok: false,
      error,
      warnings,
      latencyMs: this.clock.now() - started,
    });
    const prepared = this.prepare(miss.request, miss.tenant, warnings);
    if ('code' in prepared) return outcome(prepared);
    try {
      const response = await this.sendWithRetries(miss, prepared, live);
      return { ok: true, response, facts: prepared.facts, warnings, latencyMs: this.clock.now() - started };
    } catch (error) {
      return outcome(wireErrorOf(error));
    }
  }

  /** The model's facts, its provider's client and the shaped request; or why there are none. */
  private prepare(
    req: MissV1['request'],
    tenant: string,
    warnings: string[],
  ): { facts: ModelFacts; client: LlmProviderClient; shaped: ShapedRequest } | WireError {
    const facts = this.modelFacts(req.provider, req.model, warnings);
    if (!facts)
      return {
        code: WorkerErrorCode.InvalidRequest,
        message: `unknown model "${req.model}" for provider ${req.provider}`,
        retriable: false,
      };
    const client = this.clients.get(req.provider);
    if (!client)
      return {
        code: ProviderErrorCode.NotConfigured,
        message: `provider ${req.provider} is not configured: set ${req.provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY'} (or its base URL for the simulator)`,
        retriable: false,
      };
    try {
      const shaped = shapeRequest(req, tenant, facts, this.options.promptCache);
      warnings.push(...shaped.warnings);
      return { facts, client, shaped };
    } catch (error) {
      return {
        code: WorkerErrorCode.InvalidRequest,
        message: `request cannot be sent to ${req.provider}: ${describe(error)}`,
        retriable: false,
      };
    }
  }

  /** Attempts through the provider's breaker, retried under the retry policy. */
  private sendWithRetries(
    miss: MissV1,
    prepared: { client: LlmProviderClient; shaped: ShapedRequest },
    live: LiveText | undefined,
  ): Promise<ProviderResponse> {
    const provider = miss.request.provider;
    return withRetries(() => this.attempt(miss, prepared, live), this.options.retry, {
      clock: this.clock,
      random: this.random,
      onRetry: (_attempt, error, delayMs) => this.observer.retry?.(provider, errorCodeOf(error), delayMs),
    });
  }

  /** One provider attempt, in its own span (GenAI conventions: the SDKs' fetch calls are not instrumented). */
  private async attempt(
    miss: MissV1,
    { client, shaped }: { client: LlmProviderClient; shaped: ShapedRequest },
    live: LiveText | undefined,
  ): Promise<ProviderResponse> {
    const { provider, model } = miss.request;
    const breaker = this.breaker(provider);
    const t0 = this.clock.now();
    try {
      const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.system': provider, 'gen_ai.request.model': model };
      const response = await withSpan(`chat ${model}`, attributes, async (span) => {
        const r = await breaker.run(
          () => (live ? client.send(shaped, { onText: live.attempt() }) : client.send(shaped)),
          miss.tenant,
        );
        span.setAttributes(responseAttributes(r));
        return r;
      });
      this.observer.providerCall?.(provider, model, 'ok', this.clock.now() - t0);
      return response;
    } catch (error) {
      const code = errorCodeOf(error);
      // A call the open breaker refused never reached the provider.
      if (code !== ProviderErrorCode.Unavailable)
        this.observer.providerCall?.(provider, model, 'error', this.clock.now() - t0);
      this.observer.providerError?.(provider, code);
      throw error;
    }
  }

  /**
   * The catalog row of the model. A model the catalog does not know is priced with its
   * provider's conservative defaults (self-hosted OpenAI-compatible servers have their own
   * names), with a warning.
   */
  private modelFacts(provider: Provider, model: string, warnings: string[]): ModelFacts | undefined {
    try {
      const facts = resolveModel(model);
      if (facts.provider === provider) {
        if (!facts.known)
          warnings.push(
            `model "${model}" is not in the catalog: cost and caching use ${provider}'s conservative defaults`,
          );
        return facts;
      }
      return undefined;
    } catch (error) {
      if (!(error instanceof UnknownModelError)) throw error;
      warnings.push(`model "${model}" is not in the catalog: cost and caching use ${provider}'s conservative defaults`);
      return { id: model, ...UNKNOWN_MODEL_DEFAULTS[provider] };
    }
  }

  private breaker(provider: Provider): CircuitBreaker {
    let breaker = this.breakers.get(provider);
    if (!breaker) {
      breaker = new CircuitBreaker(provider, this.options.breaker, this.clock, (state) =>
        this.observer.breakerState?.(provider, state),
      );
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }

  private toCompletion(miss: MissV1, outcome: CallOutcome, role: CoalesceRole, waitedMs: number): CompletionV1 {
    const warnings = clampWarnings(outcome.warnings);
    if (!outcome.ok) {
      return {
        ...miss,
        status: 'failed',
        answer: null,
        usage: ZERO_USAGE,
        cost: ZERO_COST,
        error: outcome.error,
        complete: false,
        warnings,
        provider_latency_ms: role === 'leader' ? outcome.latencyMs : waitedMs,
      };
    }
    const { response, facts } = outcome;
    const leaderCost = costOf(facts, response.usage);
    const leader = role === 'leader';
    return {
      ...miss,
      status: 'completed',
      answer: response.answer,
      usage: leader ? wireUsage(response.usage) : ZERO_USAGE,
      cost: leader ? leaderCost : followerCost(leaderCost),
      error: null,
      complete: response.complete,
      warnings,
      provider_latency_ms: leader ? outcome.latencyMs : role === 'joined' ? waitedMs : 0,
      ...(leader ? {} : { coalesced: true }),
    };
  }
}

/**
 * Identical misses: same Kafka key (scope hash + query hash) and the same versions, so an
 * answer is never shared across a namespace or document version bump.
 */
export function coalescingKey(miss: MissV1, key: string | null): string {
  const base = key ?? `${miss.lookup.scope_hash}:${miss.lookup.query_hash}`;
  return `${base}|${miss.lookup.namespace_version}|${stableJson(miss.lookup.doc_versions)}`;
}

function clampWarnings(warnings: readonly string[]): string[] {
  const unique = [...new Set(warnings)].map((w) =>
    w.length > MAX_WARNING_CHARS ? `${w.slice(0, MAX_WARNING_CHARS - 1)}…` : w,
  );
  return unique.length > MAX_WARNINGS
    ? [...unique.slice(0, MAX_WARNINGS - 1), `${unique.length - MAX_WARNINGS + 1} more warning(s) not listed`]
    : unique;
}

function errorCodeOf(error: unknown): string {
  return error instanceof ProviderError ? error.code : WorkerErrorCode.Internal;
}

/** The wire form of a failed call: a provider's own answer travels on, so the caller gets its status and shape. */
function wireErrorOf(error: unknown): WireError {
  if (error instanceof ProviderError)
    return {
      code: error.code,
      message: error.message.slice(0, 4000),
      retriable: error.retriable,
      ...(error.details.fault ? { provider_error: error.details.fault } : {}),
    };
  return { code: WorkerErrorCode.Internal, message: describe(error).slice(0, 4000), retriable: false };
}

function responseAttributes(r: ProviderResponse): Record<string, string | number> {
  return {
    'gen_ai.response.model': r.model,
    'gen_ai.usage.output_tokens': r.usage.output_tokens,
    'gen_ai.usage.input_tokens': r.usage.input_tokens + r.usage.cache_write_tokens + r.usage.cache_read_tokens,
    'deja.usage.cache_read_tokens': r.usage.cache_read_tokens,
    'deja.usage.cache_write_tokens': r.usage.cache_write_tokens,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
