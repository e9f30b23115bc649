import type { WireError } from '@deja/contracts';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';

/** The llm-worker's code for a request it could not translate for its provider (a wire value). */
const PIPELINE_INVALID_REQUEST = 'invalid_request';

/**
 * A failed job as the compatible endpoints answer it. A provider's HTTP error keeps the
 * provider's status, fields and `retry-after` (an unknown model is the SDK's `NotFoundError`,
 * not a retried 5xx); a request the worker could not send is a 400; anything else is a 502 that
 * says whether retrying can help.
 */
export function pipelineFailure(error: WireError | null, jobId: string): GatewayException {
  const fault = error?.provider_error;
  if (error && fault) {
    return new GatewayException(GatewayErrorCode.ProviderError, `the provider refused the request: ${fault.message}`, {
      jobId,
      retriable: error.retriable,
      provider: fault,
      pipelineCode: error.code,
      ...(fault.retry_after_ms === null
        ? {}
        : { retryAfterSeconds: Math.max(1, Math.ceil(fault.retry_after_ms / 1000)) }),
    });
  }
  if (error?.code === PIPELINE_INVALID_REQUEST) {
    return new GatewayException(GatewayErrorCode.InvalidRequest, `invalid request: ${error.message}`, {
      jobId,
      pipelineCode: error.code,
    });
  }
  return new GatewayException(
    GatewayErrorCode.UpstreamFailed,
    `the request failed: ${error ? `${error.code}: ${error.message}` : 'no answer'}`,
    { jobId, retriable: error?.retriable ?? false, ...(error ? { pipelineCode: error.code } : {}) },
  );
}
