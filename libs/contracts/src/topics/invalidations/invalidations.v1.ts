import { z } from 'zod';
import { IsoTimestamp, Namespace, TenantId } from '../../common/primitives';

export const INVALIDATIONS_V1 = 'deja.invalidations.v1';
export const InvalidationKeyV1 = z.string().min(1).max(300);

const base = {
  event_id: z.string().min(1).max(200),
  tenant: TenantId,
  at: IsoTimestamp,
  requested_by: z.string().max(200).optional(),
};

/** Operator commands: purge by a selector, or bump a namespace version. */
export const InvalidationV1 = z.discriminatedUnion('action', [
  z.object({ ...base, action: z.literal('purge_tenant') }),
  z.object({ ...base, action: z.literal('purge_namespace'), namespace: Namespace }),
  z.object({ ...base, action: z.literal('purge_document'), doc_id: z.string().min(1).max(500) }),
  z.object({ ...base, action: z.literal('purge_entry'), entry_id: z.string().min(1).max(100) }),
  z.object({
    ...base,
    action: z.literal('purge_query'),
    namespace: Namespace.optional(),
    query: z.string().min(1).max(100_000),
  }),
  z.object({ ...base, action: z.literal('purge_user'), user: z.string().min(1).max(200) }),
  z.object({
    ...base,
    action: z.literal('bump_namespace'),
    namespace: Namespace,
    reason: z.string().max(500).optional(),
  }),
]);
export type InvalidationV1 = z.infer<typeof InvalidationV1>;
