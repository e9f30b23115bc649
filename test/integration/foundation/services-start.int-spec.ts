import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaEnv, testEnv } from '../env';
import { ServiceProcess } from '../support/service-process';

const ROOT = join(__dirname, '..', '..', '..');
const SERVICES = ['gateway', 'embedding-service', 'llm-worker', 'invalidation-service'] as const;

function mainOf(service: string): string {
  const main = join(ROOT, 'dist', 'apps', service, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
  return main;
}

function start(
  service: string,
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let out = '';
  const child = spawn(process.execPath, [mainOf(service)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

const baseEnv = (port: number) => ({
  PORT: String(port),
  DATABASE_URL: testEnv.databaseUrl,
  ...kafkaEnv(),
  OTEL_EXPORTER_OTLP_ENDPOINT: testEnv.otlpEndpoint,
});

describe('each service against the real stack', () => {
  it.each(SERVICES.map((s, i) => [s, 18180 + i] as const))(
    '%s starts and answers /health with 200',
    async (service, port) => {
      const proc = new ServiceProcess(service, port);
      try {
        await proc.start();
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        expect({ status: res.status, body: ((await res.json()) as { status?: string }).status }).toEqual({
          status: 200,
          body: 'ok',
        });
        expect(await proc.metrics()).toContain('process_cpu_user_seconds_total');
      } finally {
        await proc.stop();
      }
    },
  );

  it.each(SERVICES)('%s started with a bad config value exits non-zero naming the key', async (service) => {
    const proc = start(service, {
      ...baseEnv(18199),
      KAFKA_BROKERS: 'not-a-broker',
      DATABASE_POOL_MAX: 'many',
      // A topic prefix Kafka would refuse (issue 19, item 7): a start-up error, not a crash later.
      DEJA_TOPIC_PREFIX: 'acme prod/',
    });
    const code = await proc.exited;
    expect(code).not.toBe(0);
    expect(proc.output()).toContain('KAFKA_BROKERS');
    expect(proc.output()).toContain('DATABASE_POOL_MAX');
    expect(proc.output()).toMatch(/DEJA_TOPIC_PREFIX: may contain only letters, digits/);
  });
});
