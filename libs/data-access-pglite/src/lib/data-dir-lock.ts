import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgliteErrorCode, PgliteException } from './pglite.exception';

/**
 * One process per data folder: PGlite is a single-process database, and a second process
 * writing the same files would corrupt them. The lock is a file holding the owner's pid; a lock
 * left by a process that no longer runs (killed, crashed) is taken over.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  static acquire(dir: string): DataDirLock {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'deja.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, String(process.pid), { flag: 'wx' });
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
        if (Number.isInteger(owner) && isRunning(owner)) {
          throw new PgliteException(
            PgliteErrorCode.DataDirInUse,
            `${dir} is in use by process ${owner}: stop it, or set DEJA_DATA_DIR to another folder`,
          );
        }
        rmSync(path, { force: true });
      }
    }
    throw new PgliteException(PgliteErrorCode.DataDirInUse, `could not lock ${dir}`);
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
