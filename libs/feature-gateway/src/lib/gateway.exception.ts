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
  /** The pipeline answered with a failure (provider error, etc.). */
  UpstreamFailed = 'upstream_failed',
  Internal = 'internal',
}

export interface ErrorIssue {
  path: string;
  message: string;
}

/** A gateway failure with its code, whether a retry can help, and optional field-level issues. */
export class GatewayException extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly details: {
      retriable?: boolean;
      issues?: ErrorIssue[];
      retryAfterSeconds?: number;
      jobId?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'GatewayException';
  }

  get retriable(): boolean {
    return this.details.retriable ?? isRetriableCode(this.code);
  }

  /** Serialised explicitly: JSON.stringify(error) gives `{}`. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retriable: this.retriable,
      issues: this.details.issues,
    };
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

/**
 * The JSON body of an error: `{error: {type, code, message, retriable, issues?, job_id?}}`.
 * `type` is the broad class clients branch on (every 400 is `invalid_request`, as providers do);
 * `code` is the precise reason.
 */
export function errorBody(e: GatewayException, flavour: 'deja' | 'anthropic' = 'deja'): Record<string, unknown> {
  const type = e.code === GatewayErrorCode.Unsupported ? GatewayErrorCode.InvalidRequest : e.code;
  const error: Record<string, unknown> = { type, code: e.code, message: e.message, retriable: e.retriable };
  if (e.details.issues) error['issues'] = e.details.issues;
  if (e.details.jobId) error['job_id'] = e.details.jobId;
  // Anthropic clients expect `{type: 'error', error: {...}}`; the inner object is the same.
  return flavour === 'anthropic' ? { type: 'error', error } : { error };
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
