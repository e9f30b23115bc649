import type { CacheDecision } from '@deja/contracts';
import { CachePolicyErrorCode, CachePolicyException } from './cache-policy.exception';
import type { Guard } from './guards';
import { GUARDS, runGuards } from './guards';

/**
 * The shipped default cosine-similarity threshold (with all guards on), chosen by measurement
 * for the default embedding model (bge-small-en-v1.5-q): the lowest threshold whose audited
 * false-hit rate on Quora Question Pairs is about 2%. See docs/cache-decisions.md for the curve,
 * the precision, false-hit rate and recall behind it, and the command that re-measures it.
 * A different embedding model needs its own measurement: similarity scales differ by model.
 */
export const DEFAULT_THRESHOLD = 0.96;

/** Per-namespace cache policy. */
export interface NamespacePolicy {
  /** Cosine similarity a semantic candidate must reach. */
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
      CachePolicyErrorCode.INVALID_NAMESPACE_POLICY,
      `invalid namespace policy: ${problems.join('; ')}`,
    );
  }
  return policy;
}

/** A namespace's stored overrides of the service defaults (null: not set). */
export interface NamespaceOverrides {
  threshold: number | null;
  minThreshold: number | null;
  maxThreshold: number | null;
  ttlSeconds: number | null;
  slidingTtl: boolean | null;
}

/** A namespace's overrides over the service defaults, validated. */
export function namespacePolicy(overrides: NamespaceOverrides, defaults: NamespacePolicy): NamespacePolicy {
  return validateNamespacePolicy({
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
  if (!Number.isFinite(override) || override < policy.minThreshold || override > policy.maxThreshold) {
    throw new CachePolicyException(
      CachePolicyErrorCode.THRESHOLD_OUT_OF_BOUNDS,
      `threshold ${override} is outside this namespace's allowed range [${policy.minThreshold}, ${policy.maxThreshold}]`,
      { threshold: override, minThreshold: policy.minThreshold, maxThreshold: policy.maxThreshold },
    );
  }
  return override;
}

/** The TTL to store an answer with: the namespace's, or a request's override up to the namespace's maximum. */
export function effectiveTtlSeconds(policy: NamespacePolicy, override?: number): number {
  if (override === undefined) return policy.ttlSeconds;
  const max = policy.maxTtlSeconds ?? policy.ttlSeconds;
  if (!Number.isSafeInteger(override) || override <= 0 || override > max) {
    throw new CachePolicyException(
      CachePolicyErrorCode.TTL_OUT_OF_BOUNDS,
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

/** A stored entry found by the semantic (vector) search within the request's scope. */
export interface SemanticCandidate {
  entryId: string;
  /** Cosine similarity of the stored query's embedding to this query's, in [-1, 1]. */
  similarity: number;
  /** The stored entry's original query text (what the guards compare). */
  queryText: string;
}

export interface DecideInput {
  /** This request's query text (`queryText(request)`). */
  queryText: string;
  /** `effectiveThreshold(...)`. */
  threshold: number;
  /** The entry found by the exact tier (same scope hash and query hash), if any. */
  exact?: { entryId: string } | null;
  /** Semantic candidates, any order; the nearest few (top-k) is enough. */
  candidates: readonly SemanticCandidate[];
  /** Guards to apply; all by default. */
  guards?: readonly Guard[];
}

/** The lookup's verdict: what every response reports. */
export interface Decision {
  outcome: 'hit' | 'miss';
  tier: 'exact' | 'semantic' | null;
  /** The hit's similarity; on a miss the nearest candidate's, if there was one. */
  similarity: number | null;
  threshold: number;
  entryId: string | null;
  /** On a miss: the guard that refused the best candidate above the threshold. */
  rejectedBy: string | null;
  rejectedDetail: string | null;
  rejectedEntryId: string | null;
}

/**
 * Exact tier first, then the most similar semantic candidate that reaches the threshold AND
 * passes every guard; otherwise a miss. A candidate refused by a guard is reported in
 * `rejectedBy` when nothing else hits, so the response can say why a close match was not served.
 */
export function decide(input: DecideInput): Decision {
  const { threshold } = input;
  if (input.exact) {
    return {
      outcome: 'hit',
      tier: 'exact',
      similarity: 1,
      threshold,
      entryId: input.exact.entryId,
      rejectedBy: null,
      rejectedDetail: null,
      rejectedEntryId: null,
    };
  }
  const ranked = input.candidates
    .filter((c) => Number.isFinite(c.similarity))
    .slice()
    .sort((a, b) => b.similarity - a.similarity || (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0));
  let rejected: { entryId: string; guard: string; detail: string } | null = null;
  for (const candidate of ranked) {
    if (candidate.similarity < threshold) break;
    const verdict = runGuards(input.queryText, candidate.queryText, input.guards ?? GUARDS);
    if (verdict.ok) {
      return {
        outcome: 'hit',
        tier: 'semantic',
        similarity: candidate.similarity,
        threshold,
        entryId: candidate.entryId,
        rejectedBy: null,
        rejectedDetail: null,
        rejectedEntryId: null,
      };
    }
    rejected ??= { entryId: candidate.entryId, guard: verdict.guard, detail: verdict.detail };
  }
  return {
    outcome: 'miss',
    tier: null,
    similarity: ranked[0]?.similarity ?? null,
    threshold,
    entryId: null,
    rejectedBy: rejected?.guard ?? null,
    rejectedDetail: rejected?.detail ?? null,
    rejectedEntryId: rejected?.entryId ?? null,
  };
}

/** The decision in the wire shape of `deja.results.v1` (similarity clamped to [-1, 1] for float noise). */
export function toCacheDecision(decision: Decision): CacheDecision {
  return {
    outcome: decision.outcome,
    tier: decision.tier,
    similarity: decision.similarity === null ? null : Math.max(-1, Math.min(1, decision.similarity)),
    threshold: decision.threshold,
    entry_id: decision.entryId,
    rejected_by: decision.rejectedBy,
  };
}
