import { z } from 'zod';
import { IsoTimestamp, Namespace, storableString, TenantId } from '../../common/primitives';

export const INVALIDATIONS_V1 = 'deja.invalidations.v1';
export const InvalidationKeyV1 = z.string().min(1).max(300);

const base = {
  event_id: storableString(1, 200),
  tenant: TenantId,
  at: IsoTimestamp,
  requested_by: storableString(0, 200).optional(),
};

/** Operator commands: purge by a selector, or bump a namespace version. */
export const InvalidationV1 = z.discriminatedUnion('action', [
  z.object({ ...base, action: z.literal('purge_tenant') }),
  z.object({ ...base, action: z.literal('purge_namespace'), namespace: Namespace }),
  z.object({ ...base, action: z.literal('purge_document'), doc_id: storableString(1, 500) }),
  z.object({ ...base, action: z.literal('purge_entry'), entry_id: storableString(1, 100) }),
  z.object({
    ...base,
    action: z.literal('purge_query'),
    namespace: Namespace.optional(),
    query: storableString(1, 100_000),
  }),
  z.object({ ...base, action: z.literal('purge_user'), user: storableString(1, 200) }),
  z.object({
    ...base,
    action: z.literal('bump_namespace'),
    namespace: Namespace,
    reason: storableString(0, 500).optional(),
  }),
]);
export type InvalidationV1 = z.infer<typeof InvalidationV1>;
