import type { CacheDecision } from '@deja/contracts';
import type { Guard, GuardVerdict } from '../guards';
import { GUARDS, runGuards } from '../guards';
import type { DecisionModel } from './decision-model';
import { pairFeatures, textView, type TextView } from './pair-features';

/** A stored entry found by the semantic (vector) search within the request's scope. */
export interface SemanticCandidate {
  entryId: string;
  /** Cosine similarity of the stored query's embedding to this query's, in [-1, 1]. */
  similarity: number;
  /** The stored entry's original query text (what the guards and the model compare). */
  queryText: string;
  /** The stored query's sentence vector, for decision models that read vectors. */
  vector?: Float32Array;
}

/**
 * The learned rule: serve a candidate when the decision model's calibrated probability that its
 * answer is right clears the cut for the namespace's target false-hit rate.
 */
export interface LearnedRule {
  model: DecisionModel;
  targetFalseHitRate: number;
  /** This query's sentence vector, for decision models that read vectors. */
  queryVector?: Float32Array;
}

export interface DecideInput {
  /** This request's query text (`queryText(request)`). */
  queryText: string;
  /**
   * Without `learned`: the similarity a candidate must reach (an expert's raw threshold). With
   * `learned`: the retrieval floor — candidates below it are not worth scoring.
   */
  threshold: number;
  /** The learned rule; absent or null for the raw-threshold rule. */
  learned?: LearnedRule | null;
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
  /** On a miss: the guard that refused the most similar candidate it refused. */
  rejectedBy: string | null;
  rejectedDetail: string | null;
  rejectedEntryId: string | null;
  /** Learned rule: the served candidate's probability, or on a miss the best one among those no guard refused. */
  probability: number | null;
  /** Learned rule: the target false-hit rate the probability was held to. */
  targetFalseHitRate: number | null;
  /** Learned rule: which weights decided. */
  decisionModel: string | null;
  /** Every semantic candidate, most similar first, with what the rule made of it. */
  verdicts: CandidateVerdict[];
}

/** One semantic candidate's fate; a candidate the rule never reached has neither field set. */
export interface CandidateVerdict {
  entryId: string;
  similarity: number;
  /** Learned rule: its probability, when the guards let it be scored. */
  probability: number | null;
  /** The guard that refused it. */
  rejectedBy: string | null;
}

/** What the rule made of the candidates it reached, by entry id. */
type Verdicts = Map<string, Pick<CandidateVerdict, 'probability' | 'rejectedBy'>>;

const NOT_LEARNED = { probability: null, targetFalseHitRate: null, decisionModel: null } as const;

/**
 * Exact tier first; then the semantic candidates, by the learned rule when one is given (the
 * most similar candidate that passes every guard and whose probability clears the target's cut),
 * else by the raw threshold (the most similar candidate at or above it that passes every guard);
 * otherwise a miss. A candidate the rule would have served but a guard refused is reported in
 * `rejectedBy`, so the response can say why a close match was not served.
 */
export function decide(input: DecideInput): Decision {
  if (input.exact) return exactHit(input);
  const ranked = rank(input.candidates);
  return input.learned ? decideLearned(input, input.learned, ranked) : decideByThreshold(input, ranked);
}

function exactHit(input: DecideInput): Decision {
  return {
    outcome: 'hit',
    tier: 'exact',
    similarity: 1,
    threshold: input.threshold,
    entryId: input.exact?.entryId ?? null,
    rejectedBy: null,
    rejectedDetail: null,
    rejectedEntryId: null,
    ...(input.learned ? learnedFields(input.learned, 1) : NOT_LEARNED),
    verdicts: [],
  };
}

function rank(candidates: readonly SemanticCandidate[]): SemanticCandidate[] {
  return candidates
    .filter((c) => Number.isFinite(c.similarity))
    .slice()
    .sort((a, b) => b.similarity - a.similarity || (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0));
}

function decideByThreshold(input: DecideInput, ranked: readonly SemanticCandidate[]): Decision {
  let rejected: Rejection | null = null;
  const seen: Verdicts = new Map();
  for (const candidate of ranked) {
    if (candidate.similarity < input.threshold) break;
    const verdict = runGuards(input.queryText, candidate.queryText, input.guards ?? GUARDS);
    seen.set(candidate.entryId, { probability: null, rejectedBy: verdict.ok ? null : verdict.guard });
    if (verdict.ok) return semanticHit(input, candidate, NOT_LEARNED, verdictsOf(ranked, seen));
    rejected ??= rejection(candidate, verdict);
  }
  return miss(input, ranked, rejected, NOT_LEARNED, verdictsOf(ranked, seen));
}

/**
 * Candidates in similarity order: the guards first (a veto needs no probability), then the
 * model; the first candidate whose probability clears the cut is served. On a miss every
 * candidate above the floor has been scored, so the response can report the best probability.
 */
function decideLearned(input: DecideInput, rule: LearnedRule, ranked: readonly SemanticCandidate[]): Decision {
  const cut = rule.model.cutoff(rule.targetFalseHitRate);
  const query = textView(input.queryText);
  const guards = input.guards ?? GUARDS;
  let bestSeen: number | null = null;
  let rejected: Rejection | null = null;
  const seen: Verdicts = new Map();
  for (const candidate of ranked) {
    if (candidate.similarity < input.threshold) break;
    const verdict = runGuards(input.queryText, candidate.queryText, guards);
    if (!verdict.ok) {
      seen.set(candidate.entryId, { probability: null, rejectedBy: verdict.guard });
      rejected ??= rejection(candidate, verdict);
      continue;
    }
    const p = probabilityOf(rule, query, candidate, guards === GUARDS);
    seen.set(candidate.entryId, { probability: p, rejectedBy: null });
    if (p >= cut) return semanticHit(input, candidate, learnedFields(rule, p), verdictsOf(ranked, seen));
    bestSeen = Math.max(bestSeen ?? p, p);
  }
  return miss(input, ranked, rejected, learnedFields(rule, bestSeen), verdictsOf(ranked, seen));
}

/** The model's probability for one candidate; a pair the model cannot score counts as wrong. */
function probabilityOf(
  rule: LearnedRule,
  query: TextView,
  candidate: SemanticCandidate,
  guardsPassed: boolean,
): number {
  const features = pairFeatures(query, textView(candidate.queryText), candidate.similarity, guardsPassed);
  const vectors =
    rule.queryVector && candidate.vector ? { query: rule.queryVector, candidate: candidate.vector } : undefined;
  if (rule.model.usesVectors && !vectors) return 0;
  const p = rule.model.probability(features, vectors);
  return Number.isFinite(p) ? p : 0;
}

function learnedFields(rule: LearnedRule, probability: number | null) {
  return { probability, targetFalseHitRate: rule.targetFalseHitRate, decisionModel: rule.model.name };
}

interface Rejection {
  entryId: string;
  guard: string;
  detail: string;
}

function verdictsOf(ranked: readonly SemanticCandidate[], seen: Verdicts): CandidateVerdict[] {
  return ranked.map((c) => ({
    entryId: c.entryId,
    similarity: c.similarity,
    ...(seen.get(c.entryId) ?? { probability: null, rejectedBy: null }),
  }));
}

function rejection(candidate: SemanticCandidate, verdict: Exclude<GuardVerdict, { ok: true }>): Rejection {
  return { entryId: candidate.entryId, guard: verdict.guard, detail: verdict.detail };
}

function semanticHit(
  input: DecideInput,
  candidate: SemanticCandidate,
  learned: Pick<Decision, 'probability' | 'targetFalseHitRate' | 'decisionModel'>,
  verdicts: CandidateVerdict[],
): Decision {
  return {
    outcome: 'hit',
    tier: 'semantic',
    similarity: candidate.similarity,
    threshold: input.threshold,
    entryId: candidate.entryId,
    rejectedBy: null,
    rejectedDetail: null,
    rejectedEntryId: null,
    ...learned,
    verdicts,
  };
}

function miss(
  input: DecideInput,
  ranked: readonly SemanticCandidate[],
  rejected: Rejection | null,
  learned: Pick<Decision, 'probability' | 'targetFalseHitRate' | 'decisionModel'>,
  verdicts: CandidateVerdict[],
): Decision {
  return {
    outcome: 'miss',
    tier: null,
    similarity: ranked[0]?.similarity ?? null,
    threshold: input.threshold,
    entryId: null,
    rejectedBy: rejected?.guard ?? null,
    rejectedDetail: rejected?.detail ?? null,
    rejectedEntryId: rejected?.entryId ?? null,
    ...learned,
    verdicts,
  };
}

/** The decision in the wire shape of `deja.results.v1` (similarity clamped to [-1, 1] for float noise). */
export function toCacheDecision(decision: Decision): CacheDecision {
  return {
    outcome: decision.outcome,
    tier: decision.tier,
    similarity: decision.similarity === null ? null : Math.max(-1, Math.min(1, decision.similarity)),
    // Under the learned rule the similarity floor only bounds retrieval: the probability decided.
    threshold: decision.decisionModel ? null : decision.threshold,
    entry_id: decision.entryId,
    rejected_by: decision.rejectedBy,
    probability: decision.probability === null ? null : round4(decision.probability),
    target_false_hit_rate: decision.targetFalseHitRate,
    decision_model: decision.decisionModel,
  };
}

function round4(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 1e4) / 1e4;
}
