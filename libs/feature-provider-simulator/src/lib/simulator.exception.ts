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
export class SimulatorException extends Error {
  constructor(
    readonly code: SimErrorCode,
    message: string,
    readonly options: { retryAfterSeconds?: number; param?: string } = {},
  ) {
    super(message);
    this.name = 'SimulatorException';
  }

  get retriable(): boolean {
    switch (this.code) {
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

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retriable: this.retriable, ...this.options };
  }
}

/** Turns a zod-style issue list into one readable message, like the providers' validators. */
export function invalidRequest(message: string, param?: string): SimulatorException {
  return new SimulatorException(SimErrorCode.InvalidRequest, message, param === undefined ? {} : { param });
}
