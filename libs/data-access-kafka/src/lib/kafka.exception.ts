import { classifyPostgresError } from '@deja/data-access-postgres';
import { DejaError } from '@deja/util-errors';

/** Why a message could not be handled. Each transport maps these in one exhaustive switch. */
export enum MessageErrorCode {
  /** The bytes were not JSON (or not UTF-8). */
  MalformedJson = 'malformed_json',
  /** JSON that does not match the topic's schema. */
  SchemaViolation = 'schema_violation',
  /** No handler and no contract for the topic. */
  UnknownTopic = 'unknown_topic',
  /** The handler refused the message for good (bad reference, business rule). */
  Rejected = 'rejected',
  /** A dependency failed in a way that may pass (database or broker down, timeout). */
  Transient = 'transient',
}

/** An error raised while handling a message; `retriable` decides between retry and dead letter. */
export class MessageHandlingException extends DejaError<MessageErrorCode> {
  constructor(
    code: MessageErrorCode,
    message: string,
    retriable: boolean,
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, retriable, options);
  }

  static transient(message: string, cause?: unknown): MessageHandlingException {
    return new MessageHandlingException(MessageErrorCode.Transient, message, true, [], { cause });
  }

  static rejected(message: string): MessageHandlingException {
    return new MessageHandlingException(MessageErrorCode.Rejected, message, false);
  }

  protected override jsonDetails(): Record<string, unknown> {
    return { issues: this.issues };
  }
}

/** Whether an unknown error should be retried: our own flag first, then kafkajs' and pg's hints. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof MessageHandlingException) return error.retriable;
  if (typeof error === 'object' && error !== null) {
    const e = error as { retriable?: unknown; code?: unknown; name?: unknown };
    if (typeof e.retriable === 'boolean') return e.retriable;
    // Connection-level failures from pg/net: the dependency may come back.
    if (classifyPostgresError(error) === 'unavailable') return true;
  }
  return false;
}
