import { DejaError } from '@deja/util-errors';

/** Why a cache-policy input was refused. Transports map each code to their own error. */
export enum CachePolicyErrorCode {
  /** A request's threshold override lies outside its namespace's [minThreshold, maxThreshold]. */
  ThresholdOutOfBounds = 'threshold_out_of_bounds',
  /** A request's target false-hit rate lies outside its namespace's calibrated range. */
  TargetOutOfBounds = 'target_out_of_bounds',
  /** A request's TTL override is longer than its namespace allows. */
  TtlOutOfBounds = 'ttl_out_of_bounds',
  /** A namespace policy is inconsistent (e.g. threshold outside its own bounds). */
  InvalidNamespacePolicy = 'invalid_namespace_policy',
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
