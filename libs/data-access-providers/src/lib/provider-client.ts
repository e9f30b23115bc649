import type { Answer, Provider } from '@deja/contracts';
import type { ShapedRequest } from '@deja/util-prompt-cache';
import type { TokenUsage } from '@deja/util-model-catalog';

/** What one successful provider call produced, normalised across providers. */
export interface ProviderResponse {
  /** The answer; `simulated` is true when the provider simulator produced it. */
  readonly answer: Answer;
  /** Disjoint counts: `input_tokens` is uncached input only (see util-model-catalog). */
  readonly usage: TokenUsage;
  /** The model the provider says answered. */
  readonly model: string;
  /** False when the output was interrupted (a stream that ended early). */
  readonly complete: boolean;
  readonly requestId: string | null;
}

export interface SendOptions {
  /** Aborts the call (shutdown). */
  readonly signal?: AbortSignal;
  /**
   * Streams the call: each piece of answer text is handed over as the provider generates it.
   * The promise still resolves with the whole response, assembled from the stream (usage
   * included), or throws `ProviderError` — also when the stream breaks after text was handed over.
   */
  readonly onText?: (delta: string) => void;
}

/** One provider behind its official SDK. Implementations never retry: retries are the caller's. */
export interface LlmProviderClient {
  readonly provider: Provider;
  /** Sends a shaped request of this client's provider; throws `ProviderError` on failure. */
  send(request: ShapedRequest, options?: SendOptions): Promise<ProviderResponse>;
}

/** Connection settings of one provider. */
export interface ProviderConnection {
  readonly apiKey: string;
  /** Overrides the SDK's default endpoint (the simulator, a proxy, a self-hosted server). */
  readonly baseURL?: string;
  /** Per-call timeout in milliseconds. */
  readonly timeoutMs: number;
  /** The endpoint is the Deja provider simulator: answers are marked `simulated`. */
  readonly simulated?: boolean;
  /** Where the SDK's own messages (deprecations, warnings) go; never the console. */
  readonly logger?: SdkLogger;
  /** Test seam: the SDK's `fetch`. */
  readonly fetch?: typeof fetch;
}

/** Header a simulator may set on its responses to mark them as simulated. */
export const SIMULATED_HEADER = 'x-deja-simulated';
/** `system_fingerprint` the Deja provider simulator sends on OpenAI responses. */
export const SIMULATOR_FINGERPRINT = 'fp_deja_sim';

type LogFn = (message: string, ...rest: unknown[]) => void;

/** The logger shape both SDKs accept. */
export interface SdkLogger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
}

const noop: LogFn = () => undefined;

/** The SDK options every client gets: Deja retries, so the SDK must not. */
export function sdkOptions(c: ProviderConnection) {
  return {
    apiKey: c.apiKey,
    ...(c.baseURL ? { baseURL: c.baseURL } : {}),
    maxRetries: 0,
    timeout: c.timeoutMs,
    logLevel: 'warn' as const,
    logger: c.logger ?? { error: noop, warn: noop, info: noop, debug: noop },
    ...(c.fetch ? { fetch: c.fetch } : {}),
  };
}
