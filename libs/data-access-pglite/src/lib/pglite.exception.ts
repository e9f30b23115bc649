/** Why the embedded database could not be opened. */
export enum PgliteErrorCode {
  /** Another live process holds the data folder. */
  DataDirInUse = 'DATA_DIR_IN_USE',
  /** The data folder can be read or written by other users (it holds prompts and answers in clear). */
  DataDirNotPrivate = 'DATA_DIR_NOT_PRIVATE',
  /** PGlite or its vector extension failed to start on the folder. */
  OpenFailed = 'OPEN_FAILED',
}

export class PgliteException extends Error {
  constructor(
    readonly code: PgliteErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PgliteException';
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}
