import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveKeys } from './keys';

describe('embedded keys', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'deja-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates keys once, keeps them readable by the owner only, and returns the same ones on restart', () => {
    const first = resolveKeys(dir, {});
    expect(first.apiKey).toMatch(/^dj_/);
    expect(first.adminKey).not.toBe(first.apiKey);
    expect(first.signingKey.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'keys.json')).mode & 0o777).toBe(0o600);
    expect(resolveKeys(dir, {})).toEqual(first);
  });

  it('prefers keys from the environment and writes nothing when all are given', () => {
    const env = { apiKey: 'a'.repeat(16), adminKey: 'b'.repeat(16), signingKey: 'c'.repeat(32) };
    expect(resolveKeys(dir, env)).toEqual({ ...env, file: undefined });
    expect(() => statSync(join(dir, 'keys.json'))).toThrow();
  });

  it('adds a signing key to a kept file that predates it, keeping the API keys', () => {
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ api_key: 'x'.repeat(20), admin_key: 'y'.repeat(20) }));
    const keys = resolveKeys(dir, {});
    expect(keys).toMatchObject({ apiKey: 'x'.repeat(20), adminKey: 'y'.repeat(20) });
    expect(JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8'))).toMatchObject({
      api_key: 'x'.repeat(20),
      signing_key: keys.signingKey,
    });
  });
});
