import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { DocChangeV1, InvalidationV1 } from '@deja/contracts';
import { InvalidationErrorCode, InvalidationException } from './invalidation.exception';

/**
 * Building the messages operators send (admin routes and the CLI): the caller describes the
 * command, the server fills `at` and, unless the caller passes its own idempotency key,
 * `event_id`. Both are validated against the topic contract before anything is published.
 */
export interface Fill {
  eventId?: string;
  at?: Date;
}

/** A command for deja.invalidations.v1 from an admin request body (without event_id/at). */
export function buildInvalidation(body: unknown, fill: Fill = {}): InvalidationV1 {
  return parseAs(InvalidationV1, withFill(body, fill), 'invalidation command');
}

/** An event for deja.doc-changes.v1 from an admin request body (without event_id/at). */
export function buildDocChange(body: unknown, fill: Fill = {}): DocChangeV1 {
  return parseAs(DocChangeV1, withFill(body, fill), 'document change');
}

/** Key of an invalidation command: the tenant, so a tenant's commands apply in the order sent. */
export function invalidationKey(command: InvalidationV1): string {
  return command.tenant;
}

/** Key of a document change: tenant and document, so one document's changes stay in order. */
export function docChangeKey(event: DocChangeV1): string {
  return `${event.tenant}:${event.doc_id}`;
}

function withFill(body: unknown, fill: Fill): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidationException(InvalidationErrorCode.InvalidRequest, 'the request body must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  return { ...b, event_id: b['event_id'] ?? fill.eventId ?? randomUUID(), at: (fill.at ?? new Date()).toISOString() };
}

function parseAs<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
  throw new InvalidationException(
    InvalidationErrorCode.InvalidRequest,
    `not a valid ${what}: ${issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}`,
    issues,
  );
}
