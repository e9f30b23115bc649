import type { Provider, ProviderFault } from '@deja/contracts';
import { DejaError } from '@deja/util-errors';

/** Why a provider call failed. The values travel on the wire as `CompletionV1.error.code`. */
export enum ProviderErrorCode {
  /** 429: the provider throttled us; `retryAfterMs` says when to come back. */
  RateLimited = 'rate_limited',
  /** 503, 529: the provider is overloaded. */
  Overloaded = 'provider_overloaded',
  /** 500, 502, 504 and other 5xx. */
  ServerError = 'provider_server_error',
  /** No answer within the configured timeout. */
  Timeout = 'provider_timeout',
  /** Connection refused, reset, DNS failure. */
  Connection = 'provider_connection_error',
  /** Deja's circuit breaker is open for this provider: failing fast. */
  Unavailable = 'provider_unavailable',
  /** 400, 413, 422: the request itself is wrong; retrying cannot help. */
  InvalidRequest = 'invalid_request',
  /** 401, 403: the API key is missing, wrong or not allowed. */
  Authentication = 'provider_auth_error',
  /** 404: unknown model or endpoint. */
  NotFound = 'model_not_found',
  /** No API key and no base URL for this provider. */
  NotConfigured = 'provider_not_configured',
  /** A 2xx response Deja cannot read (no choices, no content). */
  BadResponse = 'provider_bad_response',
}

/** Whether a retry of the same request can succeed. */
export function isRetriableCode(code: ProviderErrorCode): boolean {
  switch (code) {
    case ProviderErrorCode.RateLimited:
    case ProviderErrorCode.Overloaded:
    case ProviderErrorCode.ServerError:
    case ProviderErrorCode.Timeout:
    case ProviderErrorCode.Connection:
    case ProviderErrorCode.Unavailable:
      return true;
    case ProviderErrorCode.InvalidRequest:
    case ProviderErrorCode.Authentication:
    case ProviderErrorCode.NotFound:
    case ProviderErrorCode.NotConfigured:
    case ProviderErrorCode.BadResponse:
      return false;
  }
}

/** A classified provider failure: a code, whether to retry, and for how long to wait first. */
export class ProviderError extends DejaError<ProviderErrorCode> {
  constructor(
    readonly provider: Provider,
    code: ProviderErrorCode,
    message: string,
    readonly details: {
      status?: number;
      retryAfterMs?: number;
      requestId?: string;
      /** The provider's error answer as it sent it, when there was one (an HTTP 4xx/5xx). */
      fault?: ProviderFault;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, isRetriableCode(code), details.cause === undefined ? undefined : { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  protected override jsonDetails(): Record<string, unknown> {
    return {
      provider: this.provider,
      status: this.details.status,
      retry_after_ms: this.details.retryAfterMs,
      request_id: this.details.requestId,
      provider_error: this.details.fault,
    };
  }
}

/** The code for an HTTP status (exhaustive over the statuses providers document). */
export function codeForStatus(status: number): ProviderErrorCode {
  if (status === 429) return ProviderErrorCode.RateLimited;
  if (status === 503 || status === 529) return ProviderErrorCode.Overloaded;
  if (status === 408) return ProviderErrorCode.Timeout;
  if (status === 401 || status === 403) return ProviderErrorCode.Authentication;
  if (status === 404) return ProviderErrorCode.NotFound;
  if (status >= 500) return ProviderErrorCode.ServerError;
  return ProviderErrorCode.InvalidRequest;
}

const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. Undefined when
 * absent or unreadable; capped so a bogus header cannot park a worker for hours.
 */
export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return Math.min(ms, MAX_RETRY_AFTER_MS);
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}
