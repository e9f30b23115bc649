import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { TokenUsage } from '@deja/util-model-catalog';
import type { Clock } from './core/clock';
import { SimClock } from './core/clock';
import type { FaultKind } from './core/faults';
import { FaultInjector } from './core/faults';
import type { SimProvider, SimRequestRecord } from './core/request-log';
import { RequestLog } from './core/request-log';
import { StreamPauses } from './core/stream-pauses';
import { SimulatorEngine, type CallContext } from './core/simulator-engine';
import { anthropicError } from './http/anthropic-wire';
import { openaiError } from './http/openai-wire';
import { clientGone } from './http/pacing';
import { invalidRequest, SimErrorCode, SimulatorException } from './simulator.exception';
import { SIMULATOR_OPTIONS, type SimulatorOptions } from './simulator.options';

/** What a handler learns about its request, for the request log. */
export interface Outcome {
  model: string | null;
  prompt_hash: string | null;
  last_user_text: string | null;
  usage: Record<string, unknown> | null;
  tokens: TokenUsage | null;
  ttft_ms: number | null;
}

/** Everything a provider handler needs besides the request body. */
export interface Exchange {
  readonly ctx: CallContext;
  readonly requestId: string;
  readonly fault: FaultKind | undefined;
  readonly signal: AbortSignal;
  /** Streams armed to stop halfway (`/_sim/pauses`). */
  readonly pauses: StreamPauses;
  /** Logs the request (call once, before pacing the response). */
  record(outcome: Outcome, status?: number | null): void;
}

export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url')}`;
}

/** One call's log entry: the fault picked for it, and the one write of its outcome. */
interface CallRecord {
  fault: FaultKind | undefined;
  record(outcome: Partial<Outcome> & { error?: string | null }, status: number | null): void;
}

/**
 * The stateful heart of the simulator behind HTTP: engine (caches), fault injection, request
 * log and clock. Runs every provider call through one path — authenticate, pick a fault,
 * handle, record — and maps every failure to the calling provider's error format.
 */
@Injectable()
export class SimulatorService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ProviderSimulator');
  readonly clock: Clock;
  readonly engine: SimulatorEngine;
  readonly log: RequestLog;
  readonly pauses = new StreamPauses();
  private readonly faults: FaultInjector;
  private readonly held = new Set<Response>();

  constructor(@Inject(SIMULATOR_OPTIONS) private readonly options: SimulatorOptions) {
    const c = options.config;
    this.clock = options.clock ?? new SimClock();
    this.engine = new SimulatorEngine(
      this.clock,
      {
        scale: c.SIM_LATENCY_SCALE,
        baseMs: c.SIM_LATENCY_BASE_MS,
        perInputTokenMs: c.SIM_LATENCY_PER_INPUT_TOKEN_MS,
        perCachedTokenMs: c.SIM_LATENCY_PER_CACHED_TOKEN_MS,
        perOutputTokenMs: c.SIM_LATENCY_PER_OUTPUT_TOKEN_MS,
      },
      c.SIM_CACHE_MAX_ENTRIES,
    );
    this.log = new RequestLog(c.SIM_RECORD_LIMIT, () => this.clock.now());
    this.faults = new FaultInjector(c.SIM_FAULT_RATE, c.SIM_FAULT_KINDS, c.SIM_SEED);
  }

  get config() {
    return this.options.config;
  }

  /** Runs one provider call. `handle` writes the success response; errors are written here. */
  async run(provider: SimProvider, req: Request, res: Response, handle: (x: Exchange) => Promise<void>): Promise<void> {
    const requestId = newId('req_');
    const call = this.callRecord(provider, req);
    try {
      const apiKey = authenticate(provider, req);
      if (provider === 'anthropic' && !req.header('anthropic-version')) {
        throw invalidRequest('anthropic-version: header is required');
      }
      const fault = (call.fault = this.faults.pick(req.header('x-sim-fault')));
      this.throwFault(fault);
      if (fault === 'timeout') {
        call.record({}, null);
        await this.hold(res);
        return;
      }
      const ctx: CallContext = {
        apiKey,
        ...outputTokensHeader(req.header('x-sim-output-tokens')),
        ...(fault === 'slow' ? { extraLatencyMs: this.config.SIM_SLOW_EXTRA_MS } : {}),
      };
      const signal = clientGone(res);
      await handle({ ctx, requestId, fault, signal, pauses: this.pauses, record: (o, s = 200) => call.record(o, s) });
    } catch (error) {
      this.answerError(error, { provider, requestId, req, res, call });
    }
  }

  /** The call's entry in the request log, written once (by the handler, or by the error path). */
  private callRecord(provider: SimProvider, req: Request): CallRecord {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const base = {
      provider,
      method: req.method,
      path: req.path,
      model: typeof body['model'] === 'string' ? body['model'] : null,
      stream: body['stream'] === true,
      prompt_cache_key: typeof body['prompt_cache_key'] === 'string' ? body['prompt_cache_key'] : null,
    };
    let recorded = false;
    const call: CallRecord = {
      fault: undefined,
      record: (outcome, status) => {
        if (recorded) return;
        recorded = true;
        const entry = this.log.add({
          ...base,
          model: outcome.model ?? base.model,
          prompt_hash: outcome.prompt_hash ?? null,
          last_user_text: outcome.last_user_text ?? null,
          usage: outcome.usage ?? null,
          tokens: outcome.tokens ?? null,
          ttft_ms: outcome.ttft_ms ?? null,
          status,
          fault: call.fault ?? null,
          error: outcome.error ?? null,
        });
        this.logger.debug(describe(entry));
      },
    };
    return call;
  }

  /** A simulator error in the provider's own wire format; anything else is a logged 500. */
  private answerError(
    error: unknown,
    at: { provider: SimProvider; requestId: string; req: Request; res: Response; call: CallRecord },
  ): void {
    const { provider, requestId, req, res, call } = at;
    const e =
      error instanceof SimulatorException
        ? error
        : new SimulatorException(SimErrorCode.ServerError, 'The simulator failed while processing the request.');
    if (!(error instanceof SimulatorException)) this.logger.error(`${req.method} ${req.path}: ${errorText(error)}`);
    const wire = provider === 'openai' ? openaiError(e, requestId) : anthropicError(e, requestId);
    call.record({ error: e.message }, wire.status);
    if (!res.headersSent) res.status(wire.status).set(wire.headers).json(wire.body);
    else res.destroy();
  }

  beforeApplicationShutdown(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }

  private throwFault(fault: FaultKind | undefined): void {
    switch (fault) {
      case '429':
        throw new SimulatorException(
          SimErrorCode.RateLimited,
          'Rate limit exceeded (simulated). Please retry after a short wait.',
          {
            retryAfterSeconds: this.config.SIM_RETRY_AFTER_SECONDS,
          },
        );
      case '500':
        throw new SimulatorException(SimErrorCode.ServerError, 'Internal server error (simulated).');
      case '529':
        throw new SimulatorException(SimErrorCode.Overloaded, 'Overloaded (simulated).');
      case 'slow':
      case 'timeout':
      case 'cut':
      case undefined:
        return;
    }
  }

  /** The `timeout` fault: say nothing until the client gives up or the hold time ends. */
  private hold(res: Response): Promise<void> {
    this.held.add(res);
    return new Promise((resolve) => {
      const timer = setTimeout(() => res.destroy(), this.config.SIM_TIMEOUT_HOLD_MS);
      res.on('close', () => {
        clearTimeout(timer);
        this.held.delete(res);
        resolve();
      });
    });
  }
}

function authenticate(provider: SimProvider, req: Request): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
  if (provider === 'openai') {
    if (bearer) return bearer;
    throw new SimulatorException(
      SimErrorCode.Authentication,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  const key = req.header('x-api-key') ?? bearer;
  if (key) return key;
  throw new SimulatorException(SimErrorCode.Authentication, 'x-api-key header is required');
}

function outputTokensHeader(value: string | undefined): { outputTokens?: number } {
  if (value === undefined || value === '') return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw invalidRequest('x-sim-output-tokens: must be an integer from 1 to 1000000');
  return { outputTokens: n };
}

function describe(r: SimRequestRecord): string {
  const t = r.tokens;
  const tokens = t
    ? ` in=${t.input_tokens} write=${t.cache_write_tokens} read=${t.cache_read_tokens} out=${t.output_tokens}`
    : '';
  return `#${r.seq} ${r.method} ${r.path} ${r.model ?? '-'} ${r.status ?? 'held'}${r.fault ? ` fault=${r.fault}` : ''}${tokens}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : JSON.stringify(error);
}
