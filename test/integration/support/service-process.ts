import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  COMPLETIONS_V1,
  DOC_CHANGES_V1,
  INVALIDATIONS_V1,
  MISSES_V1,
  REQUESTS_V1,
  RESULTS_V1,
  TopicNames,
} from '@deja/contracts';
import { createKafka, startGroupAtEnd as startKafkaGroupAtEnd } from '@deja/data-access-kafka';
import { kafkaEnv, testEnv, testNames } from '../env';

/** Topics each service consumes, so a test's fresh consumer group can start at their end. */
const CONSUMES: Record<string, string[]> = {
  'embedding-service': [REQUESTS_V1, COMPLETIONS_V1],
  'llm-worker': [MISSES_V1],
  'invalidation-service': [DOC_CHANGES_V1, INVALIDATIONS_V1],
  gateway: [RESULTS_V1],
};

/**
 * Commits the current end offsets for a new consumer group, so a service started under it sees
 * only what the test produces (a new group otherwise starts from the earliest offset and
 * replays the messages of the run's earlier tests). Group and topics are logical names: the
 * run's prefix goes before them, as in the service.
 */
export async function startGroupAtEnd(groupId: string, topics: string[], names = testNames): Promise<void> {
  const kafka = createKafka({ brokers: testEnv.kafkaBrokers, clientId: 'service-process' });
  await startKafkaGroupAtEnd(
    kafka,
    names.group(groupId),
    topics.map((t) => names.topic(t)),
  );
}

export const ROOT = join(__dirname, '..', '..', '..');

/** A compiled Deja service run as its own process, as in production. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private out = '';

  /** Each instance gets its own consumer group, so concurrent tests never share partitions. */
  readonly groupPrefix = `deja-it-${randomUUID().slice(0, 8)}`;
  private groupReady = false;

  constructor(
    readonly service: string,
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {}

  static baseEnv(port: number): Record<string, string> {
    return {
      PORT: String(port),
      DATABASE_URL: testEnv.databaseUrl,
      ...kafkaEnv(),
      OTEL_EXPORTER_OTLP_ENDPOINT: testEnv.otlpEndpoint,
    };
  }

  get output(): string {
    return this.out;
  }

  async start(): Promise<void> {
    const main = join(ROOT, 'dist', 'apps', this.service, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
    // On a restart (same instance) the group keeps its committed offsets: nothing is replayed or skipped.
    if (!this.groupReady && !this.env.KAFKA_GROUP_PREFIX && CONSUMES[this.service]) {
      const names = this.env.DEJA_TOPIC_PREFIX === undefined ? testNames : new TopicNames(this.env.DEJA_TOPIC_PREFIX);
      await startGroupAtEnd(`${this.groupPrefix}.${this.service}`, CONSUMES[this.service], names);
      this.groupReady = true;
    }
    this.child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...ServiceProcess.baseEnv(this.port),
        KAFKA_GROUP_PREFIX: this.groupPrefix,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.out += d));
    this.child.stderr!.on('data', (d) => (this.out += d));
    const deadline = Date.now() + 90000;
    for (;;) {
      if (this.child.exitCode !== null)
        throw new Error(`${this.service} exited with ${this.child.exitCode}:\n${this.out}`);
      const res = await fetch(`http://127.0.0.1:${this.port}/health`).catch(() => undefined);
      if (res?.status === 200) return;
      if (Date.now() > deadline) throw new Error(`${this.service} did not become healthy:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}

/** Reads one sample of a Prometheus metric (0 when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(\{[^}]*\})?\s+([0-9.eE+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (want.every((w) => (m[2] ?? '').includes(w))) total += Number(m[3]);
  }
  return total;
}

/** An llm-worker that calls the provider simulator on `simPort` for both providers, as the pipelines under test run it. */
export function workerOnSimulator(port: number, simPort: number, env: Record<string, string> = {}): ServiceProcess {
  return new ServiceProcess('llm-worker', port, {
    ...env,
    OPENAI_BASE_URL: `http://127.0.0.1:${simPort}/v1`,
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${simPort}`,
  });
}
