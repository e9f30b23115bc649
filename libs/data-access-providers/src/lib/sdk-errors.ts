import type { Provider } from '@deja/contracts';
import { ProviderError, ProviderErrorCode, codeForStatus, retryAfterMs } from './providers.exception';

/** The shape both official SDKs give their errors (`APIError` and subclasses). */
interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => {
    status?: number;
    headers?: Headers;
    message: string;
    requestID?: string | null;
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
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ProviderError(provider, ProviderErrorCode.Connection, `${provider}: ${message}`.slice(0, 1000), {
    cause: error,
  });
}
