import { z } from 'zod';
import { IsoTimestamp, storableString, TenantId } from '../../common/primitives';

export const DOC_CHANGES_V1 = 'deja.doc-changes.v1';
/** Key: tenant and document id, so one document's events stay in order on one partition. */
export const DocChangeKeyV1 = z.string().min(1).max(800);

export const DocChangeV1 = z.object({
  event_id: storableString(1, 200),
  tenant: TenantId,
  doc_id: storableString(1, 500),
  change: z.enum(['updated', 'deleted']),
  /** The document's new version; when absent the current version is incremented. */
  version: z.number().int().nonnegative().optional(),
  at: IsoTimestamp,
});
export type DocChangeV1 = z.infer<typeof DocChangeV1>;
