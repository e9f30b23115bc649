import './register-paths';
import { connect } from 'node:net';
import { TopicNames } from '@deja/contracts';
import { createKafka, openScratchRun, scratchPrefix } from '@deja/data-access-kafka';
import { testEnv, TEST_TOPIC_PREFIX_ENV } from './env';

/** Scratch-topic kind of test runs (`deja-test-<start>-<random>.`). */
export const TEST_RUN_KIND = 'deja-test';

/**
 * Runs last longer than this only when something is wrong (the whole suite takes ~25 min): topics
 * of runs that started earlier are left over from runs that were killed, and are deleted. Younger
 * ones may belong to a run going on in another worktree, and are left alone.
 */
const STALE_RUN_MS = 3 * 3600_000;

function reachable(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string, fallbackPort: number): [string, number] {
  const u = new URL(url);
  return [u.hostname, Number(u.port || fallbackPort)];
}

/**
 * Integration tests need the real services. A missing one is a failure that says how to start
 * it — never a silent skip.
 */
export default async function globalSetup(): Promise<void> {
  const [kHost, kPort] = testEnv.kafkaBrokers[0].split(':');
  const checks: Array<[string, string, number]> = [
    ['Postgres (with pgvector)', ...hostPort(testEnv.databaseUrl, 5432)],
    ['Kafka', kHost, Number(kPort)],
    ['Jaeger OTLP', ...hostPort(testEnv.otlpEndpoint, 4318)],
    ['Jaeger query', ...hostPort(testEnv.jaegerQueryUrl, 16686)],
  ];
  const missing: string[] = [];
  for (const [name, host, port] of checks) {
    if (!(await reachable(host, port))) missing.push(`${name} at ${host}:${port}`);
  }
  if (missing.length > 0) {
    throw new Error(
      `Integration tests need the local infrastructure, but these are not reachable:\n  ${missing.join('\n  ')}\n` +
        `Start it with: deploy/local/up   (or run the whole suite with: npm test, which starts it)`,
    );
  }
  await prepareRunTopics();
}

/**
 * One topic prefix for the whole run, passed to every test (and from there to every service it
 * spawns) through the environment; its topics are created here, once, and deleted by global
 * teardown. A prefix given from outside (`DEJA_TEST_TOPIC_PREFIX`) is used as it is.
 */
async function prepareRunTopics(): Promise<void> {
  const prefix = process.env[TEST_TOPIC_PREFIX_ENV] || scratchPrefix(TEST_RUN_KIND);
  process.env[TEST_TOPIC_PREFIX_ENV] = prefix;
  const kafka = createKafka({ brokers: testEnv.kafkaBrokers, clientId: 'deja-test-setup' });
  const stale = await openScratchRun(kafka, new TopicNames(prefix), TEST_RUN_KIND, STALE_RUN_MS);
  process.stdout.write(
    `\nKafka topics of this run: ${prefix}*${stale > 0 ? ` (deleted ${stale} of earlier runs)` : ''}\n`,
  );
}
