import { z } from 'zod';
import { CacheOptions, ChatRequest } from '../../common/chat';
import { IsoTimestamp, RequestId, TenantId } from '../../common/primitives';

export const REQUESTS_V1 = 'deja.requests.v1';

/** Key: the request id, so redeliveries and duplicates of one request land on one partition. */
export const RequestKeyV1 = RequestId;

/** A request to answer, from the gateway or straight from a batch producer. */
export const RequestV1 = z.object({
  request_id: RequestId,
  tenant: TenantId,
  submitted_at: IsoTimestamp,
  request: ChatRequest,
  cache: CacheOptions.default({
    namespace: 'default',
    lookup: true,
    store: true,
    personal: false,
    context_docs: [],
  }),
  /**
   * The caller reads the answer as a stream: on a miss the llm-worker streams the provider call
   * and publishes its text to deja.chunks.v1 as it is generated. It cannot change the answer, so
   * it is not part of the cache scope. Absent from older producers (false).
   */
  stream: z.boolean().optional(),
  /** Topic the result goes to instead of deja.results.v1 (a header `reply-to` works as well). */
  reply_to: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,249}$/)
    .optional(),
});
export type RequestV1 = z.infer<typeof RequestV1>;
