import { z } from 'zod';
import { Answer } from '../../common/chat';
import { Cost, IsoTimestamp, RequestId, TenantId, Usage, WireError } from '../../common/primitives';

export const RESULTS_V1 = 'deja.results.v1';
export const ResultKeyV1 = RequestId;

/** Most near candidates a decision carries, and the longest stored question it quotes. */
export const MAX_NEAR_CANDIDATES = 5;
export const MAX_CANDIDATE_QUESTION_CHARS = 500;

/**
 * One entry the semantic search found for a request, and what the decision made of it: the
 * console's why view shows them (the near misses of a miss, the runners-up of a hit).
 */
export const NearCandidate = z.object({
  entry_id: z.string().min(1).max(200),
  /** The entry's stored question, cut to `MAX_CANDIDATE_QUESTION_CHARS`. */
  question: z.string().max(MAX_CANDIDATE_QUESTION_CHARS),
  similarity: z.number().min(-1).max(1),
  /** The learned stage's probability that its answer is right; null when it was not scored. */
  probability: z.number().min(0).max(1).nullable(),
  /** The guard that refused it; null when none did (or it was not considered). */
  rejected_by: z.string().max(200).nullable(),
});
export type NearCandidate = z.infer<typeof NearCandidate>;

/** Why a hit happened (or did not): every response carries it. */
export const CacheDecision = z.object({
  outcome: z.enum(['hit', 'miss', 'bypass']),
  tier: z.enum(['exact', 'semantic']).nullable(),
  similarity: z.number().min(-1).max(1).nullable(),
  threshold: z.number().min(0).max(1).nullable(),
  entry_id: z.string().nullable(),
  /** A semantic candidate passed the threshold but a guard refused it; says which. */
  rejected_by: z.string().nullable().default(null),
  /**
   * The learned decision stage's calibrated probability that the served answer is right (on a
   * miss: the best candidate's); null when a raw similarity threshold decided.
   */
  probability: z.number().min(0).max(1).nullable().optional(),
  /** The false-hit rate the probability was held to (the namespace's, or the request's). */
  target_false_hit_rate: z.number().min(0).max(1).nullable().optional(),
  /** Which decision weights decided (name and training seed). */
  decision_model: z.string().max(200).nullable().optional(),
  /** A miss answered by sharing an identical miss's provider call (`x-deja-cache: coalesced`). */
  coalesced: z.boolean().optional(),
  /**
   * The semantic search's nearest entries, most similar first (absent from older producers and
   * when no semantic search ran). Tenant data: the job API does not show them.
   */
  candidates: z.array(NearCandidate).max(MAX_NEAR_CANDIDATES).optional(),
});
export type CacheDecision = z.infer<typeof CacheDecision>;

export const ResultV1 = z.object({
  request_id: RequestId,
  tenant: TenantId,
  status: z.enum(['completed', 'failed']),
  answer: Answer.nullable(),
  cache: CacheDecision,
  /** Usage the provider billed for this request; zero on a hit. */
  usage: Usage,
  /** Tokens a hit did not spend (the stored answer's original usage). */
  saved_usage: Usage.nullable().default(null),
  cost: Cost,
  error: WireError.nullable(),
  /** Volatile content found inside the cacheable prefix, e.g. a timestamp in the system prompt. */
  warnings: z.array(z.string().max(500)).max(20).default([]),
  completed_at: IsoTimestamp,
});
export type ResultV1 = z.infer<typeof ResultV1>;
