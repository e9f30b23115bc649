import { z } from 'zod';
import { RequestV1 } from '../requests/requests.v1';
import { MAX_NEAR_CANDIDATES, NearCandidate } from '../results/results.v1';

export const MISSES_V1 = 'deja.misses.v1';

/**
 * Key: the scope hash joined with the normalised-query hash, so identical misses land on one
 * partition and one worker can coalesce them into one provider call.
 */
export const MissKeyV1 = z.string().min(1).max(300);

/** What the lookup learned, carried along so storing the answer needs no second embedding. */
export const LookupContext = z.object({
  scope_hash: z.string().min(1).max(128),
  query_hash: z.string().min(1).max(128),
  normalized_query: z.string().max(2_000_000),
  embedding_model: z.string().max(200).nullable(),
  embedding: z.array(z.number()).max(4096).nullable(),
  /** Versions current at lookup time: the entry records them when stored. */
  namespace_version: z.number().int().nonnegative(),
  doc_versions: z.record(z.string(), z.number().int().nonnegative()),
  nearest_similarity: z.number().nullable(),
  outcome: z.enum(['miss', 'bypass']),
  /** False when the answer must never be stored (personal without a user, stale document version). */
  cacheable: z.boolean().default(true),
  rejected_by: z.string().nullable(),
  threshold: z.number().nullable(),
  /** The learned stage's probability for the best candidate, when it scored one. */
  nearest_probability: z.number().min(0).max(1).nullable().optional(),
  target_false_hit_rate: z.number().min(0).max(1).nullable().optional(),
  decision_model: z.string().max(200).nullable().optional(),
  /** The semantic search's nearest entries, for the result (`CacheDecision.candidates`). */
  candidates: z.array(NearCandidate).max(MAX_NEAR_CANDIDATES).optional(),
});
export type LookupContext = z.infer<typeof LookupContext>;

export const MissV1 = RequestV1.extend({ lookup: LookupContext });
export type MissV1 = z.infer<typeof MissV1>;
