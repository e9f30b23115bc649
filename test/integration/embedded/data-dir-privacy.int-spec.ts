import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDeja, freePort } from './embedded-process';

jest.setTimeout(300_000);

/** Every file and folder under `dir` (itself included) that the group or others can reach, with its mode. */
function notPrivate(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) out.push(`${(st.mode & 0o777).toString(8)} ${path}`);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return out;
}

/**
 * The embedded data folder holds prompts and answers in clear (PGlite's WAL and tables, the bus,
 * the generated keys): private to its owner whatever the umask `npm start` runs under.
 */
describe('embedded mode: a private data folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'deja-privacy-'));
  let umask: number;
  beforeAll(() => {
    // The child inherits the umask: 000 is the worst a user can have.
    umask = process.umask(0);
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the folder 0700 and every file in it 0600 under umask 000, after answering a question', async () => {
    const dataDir = join(root, 'nested', 'data');
    const deja = new EmbeddedDeja(dataDir, await freePort());
    try {
      await deja.start();
      const res = await deja.ask('What is written to the write-ahead log?');
      expect(res.status).toBe(200);
    } finally {
      await deja.stop();
    }
    expect(readdirSync(join(dataDir, 'db', 'pgdata')).length).toBeGreaterThan(5);
    expect(notPrivate(join(root, 'nested'))).toEqual([]);
  });

  it('refuses to start on a folder others can read, with a message naming it and the fix (exit 78)', async () => {
    const dataDir = join(root, 'open');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const deja = new EmbeddedDeja(dataDir, await freePort());
    await expect(deja.start(60_000)).rejects.toThrow(
      /deja exited with 78:[\s\S]*open is readable or writable by other users \(mode 755\)[\s\S]*chmod -R go-rwx/,
    );
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
