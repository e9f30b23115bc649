import type { Provider, ProviderFault } from '@deja/contracts';
import { ProviderError, ProviderErrorCode, codeForStatus, retryAfterMs } from './providers.exception';

/** The shape both official SDKs give their errors (`APIError` and subclasses). */
export interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => {
    status?: number;
    headers?: Headers;
    message: string;
    requestID?: string | null;
    /** The parsed error body: OpenAI gives its inner `error` object, Anthropic the whole envelope. */
    error?: unknown;
  };
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
}

/**
 * Maps an SDK error to a classified `ProviderError`: retriable for 429/5xx/529, timeouts and
 * connection failures (with `retry-after` read from the headers), terminal for other 4xx.
 */
export function classifySdkError(provider: Provider, error: unknown, sdk: SdkErrorClasses): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new ProviderError(provider, ProviderErrorCode.Timeout, `${provider}: request timed out`, { cause: error });
  }
  if (error instanceof sdk.APIUserAbortError) {
    return new ProviderError(provider, ProviderErrorCode.Connection, `${provider}: request aborted`, { cause: error });
  }
  if (error instanceof sdk.APIConnectionError) {
    return new ProviderError(
      provider,
      ProviderErrorCode.Connection,
      `${provider}: connection error: ${error.message}`,
      { cause: error },
    );
  }
  if (error instanceof sdk.APIError && typeof error.status === 'number') {
    const retryAfter = retryAfterMs(error.headers);
    return new ProviderError(
      provider,
      codeForStatus(error.status),
      `${provider} ${error.status}: ${error.message}`.slice(0, 1000),
      {
        status: error.status,
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
        ...(error.requestID ? { requestId: error.requestID } : {}),
        fault: providerFault(error.status, error.error, error.message, retryAfter),
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ProviderError(provider, ProviderErrorCode.Connection, `${provider}: ${message}`.slice(0, 1000), {
    cause: error,
  });
}

const MAX_FAULT_MESSAGE = 4000;

/**
 * The provider's error as it sent it. OpenAI bodies are `{error: {message, type, param, code}}`
 * (the SDK hands over the inner object), Anthropic's `{type: "error", error: {type, message}}`
 * (the SDK hands over the envelope): both are read here so callers see one shape.
 */
export function providerFault(
  status: number,
  body: unknown,
  sdkMessage: string,
  retryAfter: number | undefined,
): ProviderFault {
  const outer = isRecord(body) ? body : {};
  const inner = isRecord(outer['error']) ? outer['error'] : outer;
  const message = text(inner['message']) ?? sdkMessage.replace(new RegExp(`^${status} `), '');
  return {
    status: Math.min(599, Math.max(400, Math.trunc(status))),
    type: text(inner['type']),
    code: text(inner['code']),
    param: text(inner['param']),
    message: message.slice(0, MAX_FAULT_MESSAGE),
    retry_after_ms: retryAfter === undefined ? null : Math.round(retryAfter),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field of an error body, bounded; numbers (some servers send numeric codes) as text. */
function text(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value.slice(0, 200);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
