import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PgliteErrorCode, PgliteException } from './pglite.exception';

const OWNER_ONLY = 0o700;
const GROUP_OR_OTHER = 0o077;

/**
 * Makes the embedded mode's data folder private before anything is written to it: its WAL and
 * tables hold prompts and answers in clear, and PGlite leaves its files 0666 in 0755 folders. A missing folder is created 0700. An existing folder that the group or others
 * can reach is refused — a folder someone opened up on purpose (or another user's) is not ours
 * to silently change. Inside a private folder, every file is brought to 0600 and every folder to
 * 0700 (owner bits kept), which fixes what earlier versions left. Symbolic links are not
 * followed. Returns how many entries were tightened.
 *
 * The caller also sets `process.umask(0o077)`, so files created afterwards are private whatever
 * the user's umask.
 */
export function securePrivateDataDir(dir: string): { tightened: number } {
  if (!exists(dir)) {
    mkdirSync(dir, { recursive: true, mode: OWNER_ONLY });
    // mkdir's mode is filtered by the umask; the folder itself must not depend on it.
    chmodSync(dir, OWNER_ONLY);
    return { tightened: 0 };
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw notPrivate(`${dir} is not a folder`);
  if ((st.mode & GROUP_OR_OTHER) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
    throw notPrivate(
      `${dir} is readable or writable by other users (mode ${mode}); it holds prompts and answers in clear. ` +
        `Make it private with \`chmod -R go-rwx '${dir}'\` (or set DEJA_DATA_DIR to a new folder), then start again`,
    );
  }
  return { tightened: tightenPrivateTree(dir) };
}

/**
 * Brings every file under `dir` to 0600 and every folder to 0700 (owner bits kept, symbolic
 * links not followed); returns how many it changed. PGlite unpacks its initial database with the
 * archive's modes (0666, chmod'ed: the umask does not apply), so this runs again once it is open.
 */
export function tightenPrivateTree(dir: string): number {
  let tightened = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    const mode = lstatSync(path).mode & 0o777;
    if ((mode & GROUP_OR_OTHER) !== 0) {
      chmodSync(path, mode & OWNER_ONLY);
      tightened++;
    }
    if (entry.isDirectory()) tightened += tightenPrivateTree(path);
  }
  return tightened;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function notPrivate(message: string): PgliteException {
  return new PgliteException(PgliteErrorCode.DataDirNotPrivate, message);
}
