import type { z } from 'zod';
import { invalidRequest } from '../simulator.exception';

/** Parses a request body with `schema`, or throws an invalid-request error naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const what =
    issue?.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'Field required' : issue?.message;
  throw invalidRequest(path ? `${path}: ${what}` : String(what), path || undefined);
}
