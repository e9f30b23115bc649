import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteErrorCode } from './pglite.exception';
import { securePrivateDataDir } from './private-data-dir';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('securePrivateDataDir', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'deja-private-'));
    // The most permissive umask: what the function guarantees must not depend on it.
    umask = process.umask(0);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates a missing data folder (and its parents) as 0700 whatever the umask', () => {
    const dir = join(root, 'a', 'data');
    securePrivateDataDir(dir);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(root, 'a'))).toBe(0o700);
  });

  it.each(['755', '750', '707', '770', '711'])(
    'refuses an existing folder with mode %s, naming the folder, its mode and the fix',
    (octal) => {
      const mode = Number.parseInt(octal, 8);
      const dir = join(root, 'data');
      mkdirSync(dir);
      chmodSync(dir, mode);
      expect(() => securePrivateDataDir(dir)).toThrow(
        expect.objectContaining({
          code: PgliteErrorCode.DataDirNotPrivate,
          message: expect.stringMatching(new RegExp(`${dir}.*mode ${octal}.*chmod -R go-rwx`)),
        }),
      );
      expect(modeOf(dir)).toBe(mode);
    },
  );

  it('tightens what an earlier version left inside a private folder: files 0600, folders 0700', () => {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'db', 'pgdata', 'pg_wal'), { recursive: true });
    chmodSync(dir, 0o700);
    for (const d of ['db', 'db/pgdata', 'db/pgdata/pg_wal']) chmodSync(join(dir, d), 0o755);
    const wal = join(dir, 'db', 'pgdata', 'pg_wal', '000000010000000000000001');
    writeFileSync(wal, 'prompt in clear');
    chmodSync(wal, 0o666);
    writeFileSync(join(dir, 'keys.json'), '{}');
    chmodSync(join(dir, 'keys.json'), 0o600);

    expect(securePrivateDataDir(dir)).toEqual({ tightened: 4 });
    expect(modeOf(wal)).toBe(0o600);
    expect(modeOf(join(dir, 'db', 'pgdata'))).toBe(0o700);
    expect(modeOf(join(dir, 'keys.json'))).toBe(0o600);
    expect(securePrivateDataDir(dir)).toEqual({ tightened: 0 });
  });

  it('does not follow a symbolic link out of the folder', () => {
    const dir = join(root, 'data');
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o700);
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dir, 'link'));
    securePrivateDataDir(dir);
    expect(modeOf(outside)).toBe(0o644);
  });
});
