import { Logger } from '@nestjs/common';
import { PgliteException, securePrivateDataDir } from '@deja/data-access-pglite';

/**
 * Prompts and answers are kept in clear under the data folder: everything this process creates
 * is private whatever the user's umask, and a folder others can reach is refused before anything
 * is written to it.
 */
export function privateDataDir(dir: string): void {
  process.umask(0o077);
  const log = new Logger('DataDir');
  try {
    const { tightened } = securePrivateDataDir(dir);
    if (tightened > 0) log.warn(`made ${tightened} file(s) and folder(s) in ${dir} readable by their owner only`);
  } catch (error) {
    if (!(error instanceof PgliteException)) throw error;
    log.fatal(error.message);
    process.exit(78);
  }
}
