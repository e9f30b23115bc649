import { MessageErrorCode, MessageHandlingException } from '@deja/data-access-kafka';
import { DejaError } from '@deja/util-errors';

export enum InvalidationErrorCode {
  /** An admin request that does not describe a valid command or event. */
  InvalidRequest = 'invalid_request',
  /** No applied event or command with this id (not consumed yet, or never sent). */
  UnknownEvent = 'unknown_event',
  /** Kafka did not take the command: the caller may retry. */
  PublishFailed = 'publish_failed',
}

/** An invalidation error; each transport maps its code in one exhaustive switch below. */
export class InvalidationException extends DejaError<InvalidationErrorCode> {
  constructor(
    code: InvalidationErrorCode,
    message: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, code === InvalidationErrorCode.PublishFailed, options);
  }

  protected override jsonDetails(): Record<string, unknown> {
    return { issues: this.issues };
  }
}

/** HTTP status for each code; fails to compile when a code is added and not mapped. */
export function httpStatusOf(code: InvalidationErrorCode): number {
  switch (code) {
    case InvalidationErrorCode.InvalidRequest:
      return 400;
    case InvalidationErrorCode.UnknownEvent:
      return 404;
    case InvalidationErrorCode.PublishFailed:
      return 503;
  }
}

/**
 * The broad class of each code, as the gateway's error bodies name it (`type`), so clients
 * branch the same way on every admin route.
 */
export function errorTypeOf(code: InvalidationErrorCode): string {
  switch (code) {
    case InvalidationErrorCode.InvalidRequest:
      return 'invalid_request';
    case InvalidationErrorCode.UnknownEvent:
      return 'not_found';
    case InvalidationErrorCode.PublishFailed:
      return 'broker_unavailable';
  }
}

/** The consumer-side error for each code (retried or dead-lettered with the reason). */
export function toMessageError(error: InvalidationException): MessageHandlingException {
  switch (error.code) {
    case InvalidationErrorCode.InvalidRequest:
    case InvalidationErrorCode.UnknownEvent:
      return new MessageHandlingException(
        MessageErrorCode.Rejected,
        `${error.code}: ${error.message}`,
        false,
        error.issues,
      );
    case InvalidationErrorCode.PublishFailed:
      return MessageHandlingException.transient(`${error.code}: ${error.message}`, error);
  }
}
