import { z } from 'zod';
import { IsoTimestamp } from '../../common/primitives';

export const DEAD_LETTER_V1 = 'deja.dead-letter.v1';

/** A message that could not be processed, with the reason, kept so nothing accepted is lost. */
export const DeadLetterV1 = z.object({
  source_topic: z.string(),
  partition: z.number().int().nonnegative(),
  offset: z.string(),
  key: z.string().nullable(),
  /** The original value as text (UTF-8, invalid bytes replaced) or base64 when not text. */
  value: z.string().nullable(),
  value_encoding: z.enum(['utf8', 'base64']),
  /** The value was cut to keep the record under the broker's message size; `original_bytes` says how big it was. */
  value_truncated: z.boolean().default(false),
  original_bytes: z.number().int().nonnegative().default(0),
  headers: z.record(z.string(), z.string()),
  reason: z.object({
    code: z.string(),
    message: z.string(),
    /** Field-level problems when the value failed its schema. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).default([]),
  }),
  consumer_group: z.string(),
  failed_at: IsoTimestamp,
});
export type DeadLetterV1 = z.infer<typeof DeadLetterV1>;
