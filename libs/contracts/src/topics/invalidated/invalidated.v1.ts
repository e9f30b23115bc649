import { z } from 'zod';
import { IsoTimestamp, TenantId } from '../../common/primitives';

export const INVALIDATED_V1 = 'deja.invalidated.v1';
export const InvalidatedKeyV1 = z.string().min(1).max(300);

/** Audit record: what an event or command retired. */
export const InvalidatedV1 = z.object({
  event_id: z.string().min(1).max(200),
  tenant: TenantId,
  cause: z.enum([
    'doc_change',
    'purge_tenant',
    'purge_namespace',
    'purge_document',
    'purge_entry',
    'purge_query',
    'purge_user',
    'bump_namespace',
  ]),
  /** False when the event had been applied before (a replay): nothing changed. */
  applied: z.boolean(),
  entries_retired: z.number().int().nonnegative(),
  new_version: z.number().int().nonnegative().nullable(),
  at: IsoTimestamp,
});
export type InvalidatedV1 = z.infer<typeof InvalidatedV1>;
