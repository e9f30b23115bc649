import { DejaError } from '@deja/util-errors';

/** What went wrong, provider-neutral. Each provider's wire format maps every code (see `http/*-wire.ts`). */
export enum SimErrorCode {
  InvalidRequest = 'invalid_request',
  Authentication = 'authentication',
  NotFound = 'not_found',
  RateLimited = 'rate_limited',
  ServerError = 'server_error',
  Overloaded = 'overloaded',
}

/** Errors the simulator answers with; `retriable` tells a client whether retrying can help. */
export class SimulatorException extends DejaError<SimErrorCode> {
  constructor(
    code: SimErrorCode,
    message: string,
    readonly options: { retryAfterSeconds?: number; param?: string } = {},
  ) {
    super(code, message, isRetriable(code));
  }

  protected override jsonDetails(): Record<string, unknown> {
    return { ...this.options };
  }
}

function isRetriable(code: SimErrorCode): boolean {
  switch (code) {
    case SimErrorCode.RateLimited:
    case SimErrorCode.ServerError:
    case SimErrorCode.Overloaded:
      return true;
    case SimErrorCode.InvalidRequest:
    case SimErrorCode.Authentication:
    case SimErrorCode.NotFound:
      return false;
  }
}

/** Turns a zod-style issue list into one readable message, like the providers' validators. */
export function invalidRequest(message: string, param?: string): SimulatorException {
  return new SimulatorException(SimErrorCode.InvalidRequest, message, param === undefined ? {} : { param });
}
