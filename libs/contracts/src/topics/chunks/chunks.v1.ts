import { z } from 'zod';
import { RequestId, TenantId } from '../../common/primitives';

export const CHUNKS_V1 = 'deja.chunks.v1';

/** Key: the request id, so one request's chunks land on one partition, in the order they were produced. */
export const ChunkKeyV1 = RequestId;

/**
 * A piece of a streamed miss's answer while the provider generates it, for the gateway replica
 * that holds the caller's stream. Best effort by design: the complete answer still travels on
 * `deja.results.v1` and is what gets stored; a gateway that misses a chunk falls back to it.
 */
export const ChunkV1 = z.object({
  request_id: RequestId,
  tenant: TenantId,
  /**
   * One provider attempt's output. A retry after a broken stream, or a redelivered miss, starts a
   * new stream id at sequence 0, so its text is never spliced into another attempt's.
   */
  stream_id: z.string().min(1).max(100),
  /** What the lookup decided (`x-deja-cache` of the live response): a miss, or a bypass of the cache. */
  outcome: z.enum(['miss', 'bypass']),
  /** 0, 1, 2… within the stream: a consumer drops repeats (redelivery) and detects gaps. */
  seq: z.number().int().nonnegative(),
  /** Text generated since the previous chunk of this stream (never empty). */
  delta: z.string().min(1).max(1_000_000),
});
export type ChunkV1 = z.infer<typeof ChunkV1>;
