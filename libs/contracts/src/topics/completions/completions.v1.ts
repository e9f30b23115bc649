import { z } from 'zod';
import { Answer } from '../../common/chat';
import { Cost, Usage, WireError } from '../../common/primitives';
import { MissV1 } from '../misses/misses.v1';

export const COMPLETIONS_V1 = 'deja.completions.v1';
export const CompletionKeyV1 = z.string().min(1).max(300);

/** The provider's answer (or the reason there is none) for one miss. */
export const CompletionV1 = MissV1.extend({
  status: z.enum(['completed', 'failed']),
  answer: Answer.nullable(),
  usage: Usage,
  cost: Cost,
  error: WireError.nullable(),
  /** False for interrupted or partial output: such answers are never stored. */
  complete: z.boolean(),
  warnings: z.array(z.string().max(500)).max(20).default([]),
  provider_latency_ms: z.number().nonnegative(),
  /**
   * True when this miss shared another identical miss's provider call (the worker coalesced it):
   * its answer cost nothing and saved the call. Absent from older producers (false).
   */
  coalesced: z.boolean().optional(),
});
export type CompletionV1 = z.infer<typeof CompletionV1>;
