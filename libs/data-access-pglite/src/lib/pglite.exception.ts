import { DejaError } from '@deja/util-errors';

/** Why the embedded database could not be opened. */
export enum PgliteErrorCode {
  /** Another live process holds the data folder. */
  DataDirInUse = 'data_dir_in_use',
  /** The data folder can be read or written by other users (it holds prompts and answers in clear). */
  DataDirNotPrivate = 'data_dir_not_private',
  /** PGlite or its vector extension failed to start on the folder. */
  OpenFailed = 'open_failed',
}

/** The embedded database could not be opened: never retriable, the folder must be fixed first. */
export class PgliteException extends DejaError<PgliteErrorCode> {
  constructor(code: PgliteErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}
