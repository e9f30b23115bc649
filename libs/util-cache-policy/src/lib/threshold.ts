import { CachePolicyErrorCode, CachePolicyException } from './cache-policy.exception';

/**
 * The shipped default cosine-similarity threshold (with all guards on), chosen by measurement
 * for the default embedding model (bge-small-en-v1.5-q): the lowest threshold whose audited
 * false-hit rate on Quora Question Pairs is about 2%. See docs/cache-decisions.md for the curve,
 * the precision, false-hit rate and recall behind it, and the command that re-measures it.
 * A different embedding model needs its own measurement: similarity scales differ by model.
 */
export const DEFAULT_THRESHOLD = 0.96;

/**
 * The default target false-hit rate of the learned decision stage: at most 2 % of the semantic
 * hits it serves should be wrong, as calibrated on held-out pairs (docs/cache-decisions.md).
 */
export const DEFAULT_TARGET_FALSE_HIT_RATE = 0.02;

/**
 * How semantic candidates are judged: `learned` — the decision model's calibrated probability
 * against a target false-hit rate (the default); `threshold` — a raw cosine threshold plus the
 * guards, for experts and for embedding models the decision weights were not trained on.
 */
export type DecisionRuleKind = 'learned' | 'threshold';

/** The rule one request is decided by. */
export type EffectiveRule = { kind: 'learned'; targetFalseHitRate: number } | { kind: 'threshold'; threshold: number };

/** Per-namespace cache policy. */
export interface NamespacePolicy {
  rule: DecisionRuleKind;
  /** Learned rule: the share of semantic hits allowed to be wrong. */
  targetFalseHitRate: number;
  /** Bounds for a per-request target (the range the weights are calibrated for). */
  minTargetFalseHitRate: number;
  maxTargetFalseHitRate: number;
  /** Threshold rule: cosine similarity a semantic candidate must reach. */
  threshold: number;
  /** Bounds for a per-request override. */
  minThreshold: number;
  maxThreshold: number;
  /** Lifetime of a stored answer. */
  ttlSeconds: number;
  /** Longest TTL a request may ask for; defaults to `ttlSeconds` (a request may only shorten it). */
  maxTtlSeconds?: number;
  /** Whether a hit extends the entry's life. Off by default: silent renewal keeps stale answers alive. */
  slidingTtl: boolean;
}

/**
 * Defaults for a namespace nobody configured: the measured threshold, the guide's 7 days for FAQ
 * answers, and overrides allowed down to 0.85 (below it the guide and our curve both show many
 * false hits) and up to 1 (exact-tier only in practice).
 */
export const DEFAULT_NAMESPACE_POLICY: Readonly<NamespacePolicy> = Object.freeze({
  rule: 'learned',
  targetFalseHitRate: DEFAULT_TARGET_FALSE_HIT_RATE,
  minTargetFalseHitRate: 0.005,
  maxTargetFalseHitRate: 0.2,
  threshold: DEFAULT_THRESHOLD,
  minThreshold: 0.85,
  maxThreshold: 1,
  ttlSeconds: 7 * 24 * 3600,
  slidingTtl: false,
});

/** Checks a namespace policy once, when it is loaded or changed by an admin. */
export function validateNamespacePolicy(policy: NamespacePolicy): NamespacePolicy {
  const problems: string[] = [];
  const inUnit = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < 0 || v > 1) problems.push(`${name} must be within [0, 1], got ${v}`);
  };
  inUnit('minThreshold', policy.minThreshold);
  inUnit('maxThreshold', policy.maxThreshold);
  inUnit('threshold', policy.threshold);
  inUnit('targetFalseHitRate', policy.targetFalseHitRate);
  if (
    policy.targetFalseHitRate < policy.minTargetFalseHitRate ||
    policy.targetFalseHitRate > policy.maxTargetFalseHitRate
  ) {
    problems.push(
      `targetFalseHitRate ${policy.targetFalseHitRate} is outside [${policy.minTargetFalseHitRate}, ${policy.maxTargetFalseHitRate}]`,
    );
  }
  if (policy.minThreshold > policy.maxThreshold)
    problems.push(`minThreshold ${policy.minThreshold} is above maxThreshold ${policy.maxThreshold}`);
  if (policy.threshold < policy.minThreshold || policy.threshold > policy.maxThreshold) {
    problems.push(`threshold ${policy.threshold} is outside [${policy.minThreshold}, ${policy.maxThreshold}]`);
  }
  if (!Number.isSafeInteger(policy.ttlSeconds) || policy.ttlSeconds <= 0)
    problems.push(`ttlSeconds must be a positive integer, got ${policy.ttlSeconds}`);
  if (
    policy.maxTtlSeconds !== undefined &&
    (!Number.isSafeInteger(policy.maxTtlSeconds) || policy.maxTtlSeconds < policy.ttlSeconds)
  ) {
    problems.push(`maxTtlSeconds must be an integer ≥ ttlSeconds (${policy.ttlSeconds}), got ${policy.maxTtlSeconds}`);
  }
  if (problems.length > 0) {
    throw new CachePolicyException(
      CachePolicyErrorCode.InvalidNamespacePolicy,
      `invalid namespace policy: ${problems.join('; ')}`,
    );
  }
  return policy;
}

/** A namespace's stored overrides of the service defaults (null: not set). */
export interface NamespaceOverrides {
  /** Set: the namespace is decided by this raw threshold (an expert's choice), not the learned stage. */
  threshold: number | null;
  targetFalseHitRate: number | null;
  minThreshold: number | null;
  maxThreshold: number | null;
  ttlSeconds: number | null;
  slidingTtl: boolean | null;
}

/** A namespace's overrides over the service defaults, validated. */
export function namespacePolicy(overrides: NamespaceOverrides, defaults: NamespacePolicy): NamespacePolicy {
  return validateNamespacePolicy({
    ...defaults,
    rule: overrides.threshold !== null ? 'threshold' : defaults.rule,
    targetFalseHitRate: overrides.targetFalseHitRate ?? defaults.targetFalseHitRate,
    threshold: overrides.threshold ?? defaults.threshold,
    minThreshold: overrides.minThreshold ?? defaults.minThreshold,
    maxThreshold: overrides.maxThreshold ?? defaults.maxThreshold,
    ttlSeconds: overrides.ttlSeconds ?? defaults.ttlSeconds,
    maxTtlSeconds: defaults.maxTtlSeconds,
    slidingTtl: overrides.slidingTtl ?? defaults.slidingTtl,
  });
}

/**
 * The threshold for one request: the namespace's, or the request's override when it lies within
 * the namespace's bounds. An override outside the bounds is refused, not clamped: a clamp would
 * quietly give the caller a looser (or stricter) match than asked for, and the response would
 * carry a threshold nobody chose.
 */
export function effectiveThreshold(policy: NamespacePolicy, override?: number): number {
  if (override === undefined) return policy.threshold;
  const bounds = { min: policy.minThreshold, max: policy.maxThreshold };
  return withinBounds('threshold', override, bounds, CachePolicyErrorCode.ThresholdOutOfBounds);
}

/**
 * The rule for one request: a request's raw `threshold` (an expert's choice) wins, then a
 * request's target false-hit rate, then the namespace's rule. Overrides outside the namespace's
 * bounds are refused, not clamped (see `effectiveThreshold`).
 */
export function effectiveRule(
  policy: NamespacePolicy,
  request: { threshold?: number; target_false_hit_rate?: number },
): EffectiveRule {
  if (request.threshold !== undefined)
    return { kind: 'threshold', threshold: effectiveThreshold(policy, request.threshold) };
  if (request.target_false_hit_rate !== undefined) {
    return { kind: 'learned', targetFalseHitRate: effectiveTarget(policy, request.target_false_hit_rate) };
  }
  return policy.rule === 'learned'
    ? { kind: 'learned', targetFalseHitRate: policy.targetFalseHitRate }
    : { kind: 'threshold', threshold: policy.threshold };
}

function effectiveTarget(policy: NamespacePolicy, target: number): number {
  const bounds = { min: policy.minTargetFalseHitRate, max: policy.maxTargetFalseHitRate };
  return withinBounds('target_false_hit_rate', target, bounds, CachePolicyErrorCode.TargetOutOfBounds);
}

/** A request's override when it lies within the namespace's bounds; refused (never clamped) otherwise. */
function withinBounds(
  field: string,
  value: number,
  { min, max }: { min: number; max: number },
  code: CachePolicyErrorCode,
): number {
  if (Number.isFinite(value) && value >= min && value <= max) return value;
  const message = `${field} ${value} is outside this namespace's allowed range [${min}, ${max}]`;
  throw new CachePolicyException(code, message, { [field]: value, min, max });
}

/** The TTL to store an answer with: the namespace's, or a request's override up to the namespace's maximum. */
export function effectiveTtlSeconds(policy: NamespacePolicy, override?: number): number {
  if (override === undefined) return policy.ttlSeconds;
  const max = policy.maxTtlSeconds ?? policy.ttlSeconds;
  if (!Number.isSafeInteger(override) || override <= 0 || override > max) {
    throw new CachePolicyException(
      CachePolicyErrorCode.TtlOutOfBounds,
      `ttl_seconds ${override} is outside this namespace's allowed range [1, ${max}]`,
      { ttlSeconds: override, maxTtlSeconds: max },
    );
  }
  return override;
}

/**
 * Expiry of an entry after a hit: unchanged unless the namespace has a sliding TTL, in which case
 * it moves to `now + ttl` (never backwards).
 */
export function expiryAfterHit(
  policy: NamespacePolicy,
  entry: { expiresAt: Date; ttlSeconds: number },
  now: Date,
): Date {
  if (!policy.slidingTtl) return entry.expiresAt;
  const slid = new Date(now.getTime() + entry.ttlSeconds * 1000);
  return slid > entry.expiresAt ? slid : entry.expiresAt;
}
