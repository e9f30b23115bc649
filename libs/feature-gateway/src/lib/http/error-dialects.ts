import { GatewayErrorCode, type GatewayException, statusOf } from '../gateway.exception';

/**
 * Who the caller is, by route: the official SDKs and the code around them read error bodies in
 * their provider's shape (`error.type`, `error.code`, `error.param`), so each compatible route
 * answers in its provider's dialect; the jobs and admin routes keep Deja's own.
 */
export type ErrorDialect = 'deja' | 'openai' | 'anthropic';

export function dialectFor(path: string, anthropicVersion?: unknown): ErrorDialect {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  // Both SDKs list models at the same path; the Anthropic one always sends `anthropic-version`.
  if (path.startsWith('/v1/models')) return anthropicVersion === undefined ? 'openai' : 'anthropic';
  if (path.startsWith('/v1/chat/')) return 'openai';
  return 'deja';
}

/**
 * The JSON body of an error in the caller's dialect. Every dialect keeps Deja's extras
 * (`retriable`, `issues`, `job_id`); the provider dialects add Deja's precise code as `deja_code`
 * and, for a provider's own error, carry its `type` / `code` / `param` / message unchanged.
 */
export function errorBody(e: GatewayException, dialect: ErrorDialect = 'deja'): Record<string, unknown> {
  const extras: Record<string, unknown> = { retriable: e.retriable };
  if (e.details.issues) extras['issues'] = e.details.issues;
  if (e.details.jobId) extras['job_id'] = e.details.jobId;
  switch (dialect) {
    case 'deja': {
      // `type` is the broad class clients branch on (every 400 is `invalid_request`); `code` the precise reason.
      const type = e.code === GatewayErrorCode.Unsupported ? GatewayErrorCode.InvalidRequest : e.code;
      const error: Record<string, unknown> = { type, code: e.code, message: e.message, ...extras };
      if (e.details.provider) error['provider_error'] = e.details.provider;
      return { error };
    }
    case 'openai':
      return { error: { ...openAiFields(e), deja_code: dejaCode(e), ...extras } };
    case 'anthropic':
      return { type: 'error', error: { ...anthropicFields(e), deja_code: dejaCode(e), ...extras } };
    default: {
      const unmapped: never = dialect;
      throw new Error(`unmapped error dialect ${String(unmapped)}`);
    }
  }
}

function dejaCode(e: GatewayException): string {
  return e.details.pipelineCode ?? e.code;
}

/** OpenAI's `{message, type, param, code}`; Deja's own errors name the first bad field as `param`. */
function openAiFields(e: GatewayException): Record<string, unknown> {
  const p = e.details.provider;
  if (p) {
    return {
      message: p.message,
      type: p.type ?? openAiType(p.status),
      param: p.param,
      code: p.code,
    };
  }
  return {
    message: e.message,
    type: openAiType(statusOf(e)),
    param: e.details.issues?.[0]?.path ?? null,
    code: e.code,
  };
}

/** Anthropic's `{type, message}` inside `{type: "error", error}`. */
function anthropicFields(e: GatewayException): Record<string, unknown> {
  const p = e.details.provider;
  if (p) return { type: p.type ?? anthropicType(p.status), message: p.message };
  return { type: anthropicType(statusOf(e)), message: e.message };
}

/** OpenAI's types, as its API sends them: every 4xx but 429 is an `invalid_request_error`. */
export function openAiType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Anthropic's documented error types by HTTP status. */
export function anthropicType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}
