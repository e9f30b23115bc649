import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import {
  COMPLETIONS_V1,
  ContractsTesting,
  MISSES_V1,
  TOPICS,
  type ChatRequest,
  type CompletionV1,
  type MissV1,
} from '@deja/contracts';
import { createKafka, startGroupAtEnd, TopicPublisher } from '@deja/data-access-kafka';
import { countTokens } from '@deja/util-model-catalog';
import { kafkaEnv, testEnv, testNames } from '../../integration/env';
import { waitForGroup } from '../../integration/support/consumer-group';
import { freePort } from '../../integration/embedded/embedded-process';

const ROOT = join(__dirname, '..', '..', '..');

export interface RunningProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function mainOf(app: string): string {
  const main = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
  return main;
}

/** Starts a built app as a child process and waits until `GET /health` answers 200. */
export async function startApp(app: string, env: Record<string, string>): Promise<RunningProcess> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [mainOf(app)], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited early:\n${out}`);
    const res = await fetch(`${url}/health`).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${app} did not become healthy within 60 s:\n${out}`);
    }
    await sleep(200);
  }
  return { url, child, output: () => out, stop };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One request the simulator received (`GET /_sim/requests`). */
export interface SimRecord {
  seq: number;
  provider: string;
  model: string | null;
  status: number | null;
  fault: string | null;
  last_user_text: string | null;
  prompt_cache_key: string | null;
  tokens: { input_tokens: number; cache_write_tokens: number; cache_read_tokens: number; output_tokens: number } | null;
}

export async function simRequests(simUrl: string): Promise<SimRecord[]> {
  const res = await fetch(`${simUrl}/_sim/requests`);
  const body = (await res.json()) as { requests: SimRecord[] };
  return body.requests;
}

/** The real provider simulator plus an llm-worker pointed at it, in its own consumer group (starting at the end of the misses). */
export async function startSimulatorAndWorker(
  kafka: Kafka,
  options: { simEnv?: Record<string, string>; workerEnv?: Record<string, string> } = {},
) {
  const sim = await startApp('provider-simulator', { SIM_LATENCY_SCALE: '0', LOG_LEVEL: 'warn', ...options.simEnv });
  const groupPrefix = `e2e-llm-${randomUUID().slice(0, 8)}`;
  const groupId = testNames.group(`${groupPrefix}.llm-worker`);
  await startGroupAtEnd(kafka, groupId, [testNames.topic(MISSES_V1)]);
  let worker: RunningProcess;
  try {
    worker = await startApp('llm-worker', {
      DATABASE_URL: testEnv.databaseUrl,
      ...kafkaEnv(),
      KAFKA_GROUP_PREFIX: groupPrefix,
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: 'warn',
      OPENAI_BASE_URL: `${sim.url}/v1`,
      ANTHROPIC_BASE_URL: sim.url,
      PROVIDER_SIMULATOR: 'true',
      ...options.workerEnv,
    });
  } catch (error) {
    await sim.stop();
    throw error;
  }
  return { sim, worker, groupId };
}

/**
 * A describe block's stack: a misses driver, the simulator and a worker, started before its
 * tests (the worker's group stable) and stopped after them. `stack` is filled in `beforeAll`.
 */
export function stackForSuite(options: Parameters<typeof startSimulatorAndWorker>[1] = {}): {
  driver: MissesDriver;
  stack: { sim: RunningProcess; worker: RunningProcess };
} {
  const driver = new MissesDriver();
  const stack = {} as { sim: RunningProcess; worker: RunningProcess };
  beforeAll(async () => {
    await driver.start();
    const started = await startSimulatorAndWorker(driver.kafka, options);
    Object.assign(stack, { sim: started.sim, worker: started.worker });
    await waitForGroup(driver.kafka, started.groupId);
  });
  afterAll(async () => {
    await stack.worker?.stop();
    await stack.sim?.stop();
    await driver.stop();
  });
  return { driver, stack };
}

/** Produces misses and collects the completions published for them. */
export class MissesDriver {
  readonly kafka: Kafka;
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  /** Every completion seen, in arrival order, with its Kafka key. */
  readonly completions: Array<{ key: string | null; value: CompletionV1 }> = [];

  constructor() {
    this.kafka = createKafka({ brokers: testEnv.kafkaBrokers, clientId: 'e2e-llm-worker' });
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    const groupId = testNames.group(`e2e-llm-tap-${randomUUID()}`);
    await startGroupAtEnd(this.kafka, groupId, [testNames.topic(COMPLETIONS_V1)]);
    this.consumer = this.kafka.consumer({ groupId });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: testNames.topic(COMPLETIONS_V1), fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.completions.push({
          key: message.key?.toString() ?? null,
          value: JSON.parse(message.value?.toString() ?? 'null') as CompletionV1,
        });
      },
    });
    await waitForGroup(this.kafka, groupId);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  async send(misses: ReadonlyArray<{ key: string; value: MissV1 }>): Promise<void> {
    if (!this.producer) throw new Error('MissesDriver.start() first');
    await new TopicPublisher(this.producer, testNames).publish(TOPICS.misses, misses);
  }

  /** The completions of these request ids, once every one has arrived at least once. */
  async await(requestIds: readonly string[], timeoutMs = 90_000): Promise<CompletionV1[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = requestIds.map((id) => this.completions.find((c) => c.value.request_id === id)?.value);
      if (got.every((c) => c !== undefined)) return got as CompletionV1[];
      if (Date.now() > deadline) {
        const missing = requestIds.filter((_, i) => got[i] === undefined);
        throw new Error(
          `no completion within ${timeoutMs} ms for ${missing.length} of ${requestIds.length} misses (e.g. ${missing[0]})`,
        );
      }
      await sleep(100);
    }
  }

  /** How many completions carry this request id (duplicates show up here). */
  countFor(requestId: string): number {
    return this.completions.filter((c) => c.value.request_id === requestId).length;
  }
}

/** A miss as the embedding-service publishes it; `query` decides the key (identical queries, identical keys). */
export function makeMiss(
  tenant: string,
  request: ChatRequest,
  query: string,
  requestId = `e2e-${randomUUID()}`,
): { key: string; value: MissV1 } {
  const scopeHash = `scope-${tenant}-${request.model}`;
  const queryHash = `q-${Buffer.from(query).toString('base64url').slice(0, 60)}`;
  return {
    key: `${scopeHash}:${queryHash}`,
    value: {
      request_id: requestId,
      tenant,
      submitted_at: new Date().toISOString(),
      request,
      cache: { namespace: 'default', lookup: true, store: true, personal: false, context_docs: [] },
      lookup: ContractsTesting.missLookup({
        scope_hash: scopeHash,
        query_hash: queryHash,
        normalized_query: query.toLowerCase(),
      }),
    } as MissV1,
  };
}

/** A system prompt of about `tokens` tokens (the catalog's counter) with no volatile content. */
export function longSystemPrompt(tokens: number, topic: string): string {
  const sentence = `You are the ${topic} support assistant. Answer politely, cite the handbook section, and never guess. `;
  const rules: string[] = [];
  let count = 0;
  for (let i = 0; count < tokens; i++) {
    const rule = `Rule ${String.fromCharCode(65 + (i % 26))}${Math.floor(i / 26)}: ${sentence}`;
    rules.push(rule);
    count += countTokens(rule);
  }
  return rules.join('');
}
