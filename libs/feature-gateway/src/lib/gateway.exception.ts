import type { ProviderFault } from '@deja/contracts';
import { DejaError } from '@deja/util-errors';

/** Every way a gateway request can fail. Each code is mapped to HTTP in {@link httpStatusFor}. */
export enum GatewayErrorCode {
  InvalidRequest = 'invalid_request',
  Unsupported = 'unsupported',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PayloadTooLarge = 'payload_too_large',
  RateLimited = 'rate_limited',
  /** Kafka did not take the request; the job is marked failed and may be resubmitted. */
  BrokerUnavailable = 'broker_unavailable',
  /** Postgres did not answer. */
  StoreUnavailable = 'store_unavailable',
  /** The pipeline did not answer in time; the job goes on and can be fetched later. */
  Timeout = 'timeout',
  /** The pipeline answered with a failure that is not a provider's HTTP error (timeout, connection, etc.). */
  UpstreamFailed = 'upstream_failed',
  /** The provider answered with an HTTP error: passed on with the provider's status and fields. */
  ProviderError = 'provider_error',
  Internal = 'internal',
}

export interface ErrorIssue {
  path: string;
  message: string;
}

/** A gateway failure with its code, whether a retry can help, and optional field-level issues. */
export class GatewayException extends DejaError<GatewayErrorCode> {
  constructor(
    code: GatewayErrorCode,
    message: string,
    readonly details: {
      retriable?: boolean;
      issues?: ErrorIssue[];
      retryAfterSeconds?: number;
      jobId?: string;
      /** The provider's error answer, for `ProviderError`: its status and body fields are passed on. */
      provider?: ProviderFault;
      /** The pipeline's own code for the failure (e.g. `model_not_found`), when it came from there. */
      pipelineCode?: string;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, details.retriable ?? isRetriableCode(code), { cause: details.cause });
  }

  protected override jsonDetails(): Record<string, unknown> {
    return { issues: this.details.issues };
  }
}

/**
 * The single HTTP mapping of gateway error codes. The `never` check makes adding a code without
 * mapping it a compile error.
 */
export function httpStatusFor(code: GatewayErrorCode): number {
  switch (code) {
    case GatewayErrorCode.InvalidRequest:
    case GatewayErrorCode.Unsupported:
      return 400;
    case GatewayErrorCode.Unauthenticated:
      return 401;
    case GatewayErrorCode.Forbidden:
      return 403;
    case GatewayErrorCode.NotFound:
      return 404;
    case GatewayErrorCode.Conflict:
      return 409;
    case GatewayErrorCode.PayloadTooLarge:
      return 413;
    case GatewayErrorCode.RateLimited:
      return 429;
    case GatewayErrorCode.Internal:
      return 500;
    case GatewayErrorCode.UpstreamFailed:
    case GatewayErrorCode.ProviderError: // the fallback: `statusOf` uses the provider's own status
      return 502;
    case GatewayErrorCode.BrokerUnavailable:
    case GatewayErrorCode.StoreUnavailable:
      return 503;
    case GatewayErrorCode.Timeout:
      return 504;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped gateway error code ${String(unmapped)}`);
    }
  }
}

function isRetriableCode(code: GatewayErrorCode): boolean {
  return [
    GatewayErrorCode.RateLimited,
    GatewayErrorCode.BrokerUnavailable,
    GatewayErrorCode.StoreUnavailable,
    GatewayErrorCode.Timeout,
  ].includes(code);
}

/** The status to answer with: a provider's error keeps the provider's own status. */
export function statusOf(e: GatewayException): number {
  if (e.code === GatewayErrorCode.ProviderError && e.details.provider) return e.details.provider.status;
  return httpStatusFor(e.code);
}

/** zod issues as `{path, message}` with dotted paths, prefixed with where the value came from. */
export function toIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix = '',
): ErrorIssue[] {
  return issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    return { path: path || '(body)', message: i.message };
  });
}
