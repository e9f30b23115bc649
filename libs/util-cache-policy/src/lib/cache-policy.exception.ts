import { DejaError } from '@deja/util-errors';

/** Why a cache-policy input was refused. Transports map each code to their own error. */
export enum CachePolicyErrorCode {
  /** A request's threshold override lies outside its namespace's [minThreshold, maxThreshold]. */
  THRESHOLD_OUT_OF_BOUNDS = 'THRESHOLD_OUT_OF_BOUNDS',
  /** A request's target false-hit rate lies outside its namespace's calibrated range. */
  TARGET_OUT_OF_BOUNDS = 'TARGET_OUT_OF_BOUNDS',
  /** A request's TTL override is longer than its namespace allows. */
  TTL_OUT_OF_BOUNDS = 'TTL_OUT_OF_BOUNDS',
  /** A namespace policy is inconsistent (e.g. threshold outside its own bounds). */
  INVALID_NAMESPACE_POLICY = 'INVALID_NAMESPACE_POLICY',
}

/**
 * A refused cache-policy input. Never retriable: the same request fails the same way, so it
 * must be reported to the caller (HTTP 400 / dead letter), not retried.
 */
export class CachePolicyException extends DejaError<CachePolicyErrorCode> {
  constructor(
    code: CachePolicyErrorCode,
    message: string,
    readonly details: Readonly<Record<string, number | string>> = {},
  ) {
    super(code, message, false);
  }

  protected override jsonDetails(): Record<string, unknown> {
    return { details: { ...this.details } };
  }
}
