import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kafkaEnv, testEnv, testNames } from '../env';
import { ROOT, ServiceProcess } from '../support/service-process';

const run = promisify(execFile);
const CLI = join(ROOT, 'dist', 'tools', 'deja-cli', 'main.js');

/** The operator CLI against the real Kafka, Postgres and invalidation-service. */
describe('deja CLI (real Kafka, Postgres, invalidation-service)', () => {
  const service = new ServiceProcess('invalidation-service', 18294);
  const tenant = `cli-${randomUUID().slice(0, 8)}`;
  const env = {
    PATH: process.env.PATH ?? '',
    ...kafkaEnv(),
    DATABASE_URL: testEnv.databaseUrl,
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'libs')))
      throw new Error('dist/libs is missing: run `npm run build` first (npm test does)');
    // The build compiles apps and libs; the CLI is compiled here on top of it.
    execFileSync(
      join(ROOT, 'node_modules', '.bin', 'swc'),
      ['tools/deja-cli', '-d', 'dist', '--config-file', 'swc.build.json', '--quiet'],
      { cwd: ROOT },
    );
    await service.start();
  });

  afterAll(async () => {
    await service.stop();
  });

  const deja = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('reports a document change and prints its effect once applied', async () => {
    const r = await deja('doc-changed', '--tenant', tenant, '--doc', 'manual', '--version', '4');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Under the run's prefix: the topic the run's invalidation-service consumes.
    expect(r.stdout).toContain(
      `published doc manual updated (version 4) to ${testNames.topic('deja.doc-changes.v1')}: event_id=`,
    );
    expect(r.stdout).toMatch(/applied: 0 entries retired, version now 4/);
  });

  it('bumps a namespace twice with the same event id and applies it once', async () => {
    const id = `cli-bump-${randomUUID()}`;
    expect((await deja('bump', '--tenant', tenant, '--namespace', 'faq', '--event-id', id)).stdout).toMatch(
      /version now 2/,
    );
    expect((await deja('bump', '--tenant', tenant, '--namespace', 'faq', '--event-id', id)).stdout).toMatch(
      /version now 2/,
    );
    const stats = JSON.parse((await deja('stats', '--tenant', tenant, '--json')).stdout);
    expect(stats.namespaces).toEqual([{ tenant, namespace: 'faq', version: 2 }]);
    expect(stats.documents).toMatchObject({ count: 1, maxVersion: 4 });
  });

  it('prints stats as text', async () => {
    const r = await deja('stats', '--tenant', tenant);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`cache entries of tenant ${tenant}:`);
    expect(r.stdout).toContain(`${tenant}/faq  v2`);
  });

  it('exits 64 with the usage for a bad command line', async () => {
    const r = await deja('purge', '--tenant', tenant, '--doc', 'a', '--user', 'b');
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('purge takes one selector');
    expect(r.stderr).toContain('usage:');
  });

  it('exits 78 naming the bad environment key', async () => {
    try {
      await run(process.execPath, [CLI, 'stats'], { cwd: ROOT, env: { ...env, KAFKA_BROKERS: 'not a broker' } });
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as { code: number }).code).toBe(78);
      expect((error as { stderr: string }).stderr).toContain('KAFKA_BROKERS');
    }
  });
});
