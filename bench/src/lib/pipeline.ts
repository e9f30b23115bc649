/**
 * The distributed pipeline as processes, for the pipeline scenarios (latency, cost, invalidation):
 * provider-simulator, embedding-service, llm-worker, invalidation-service and gateway, compiled
 * (`dist/apps/<service>/src/main.js`), with the real Kafka and Postgres. A small equivalent of
 * test/integration/support/service-process.ts (the test tree is not compiled into dist): each run
 * gets its own topics and consumer groups (`DEJA_TOPIC_PREFIX=deja-bench-<start>-<random>.`), so it
 * sees only its own messages and no other run (or test) on the broker sees its load; the topics
 * are deleted when it stops, and those of runs killed earlier than a day ago when one starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { INVALIDATED_V1, TopicNames } from '@deja/contracts';
import { closeScratchRun, createKafka, openScratchRun, scratchPrefix, startGroupAtEnd } from '@deja/data-access-kafka';
import { note } from './report';

/** Scratch-topic kind of benchmark runs. */
const BENCH_RUN_KIND = 'deja-bench';
/** A benchmark runs for minutes to an hour or two: topics of runs started a day ago are leftovers. */
const STALE_RUN_MS = 24 * 3600_000;

/** Repository root, from dist/bench/src/lib or bench/src/lib alike. */
function repoRoot(): string {
  for (const up of [
    ['..', '..', '..'],
    ['..', '..', '..', '..'],
  ]) {
    const dir = join(__dirname, ...up);
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'apps'))) return dir;
  }
  return process.cwd();
}

export interface PipelineOptions {
  databaseUrl: string;
  kafkaBrokers?: string[];
  otlpEndpoint?: string;
  /** First of five consecutive ports (simulator, embedding, worker, invalidation, gateway). */
  basePort: number;
  /** Extra simulator environment (e.g. SIM_LATENCY_SCALE); the simulator's defaults otherwise. */
  simEnv?: Record<string, string>;
  /** Extra gateway environment. */
  gatewayEnv?: Record<string, string>;
}

class Proc {
  private child: ChildProcess | undefined;
  out = '';

  constructor(
    readonly service: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  async start(root: string, topicPrefix: string, groupPrefix: string): Promise<void> {
    const main = join(root, 'dist', 'apps', this.service, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
    this.child = spawn(process.execPath, [main], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(this.port),
        KAFKA_GROUP_PREFIX: groupPrefix,
        DEJA_TOPIC_PREFIX: topicPrefix,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => (this.out = (this.out + d.toString()).slice(-20000));
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
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

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The bench's own `DEJA_EMBEDDING_*` variables, passed to the embedding-service (e.g.
 * `DEJA_EMBEDDING_WORKER=false` to time the model in the service's own thread).
 */
function embeddingEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[0].startsWith('DEJA_EMBEDDING_') && e[1] !== undefined,
    ),
  );
}

/** A running pipeline: URLs, keys, and helpers for the gateway and the simulator. */
export class Pipeline {
  readonly run = randomUUID().slice(0, 8);
  readonly apiKey = `bench-tenant-key-${this.run}-0123456789`;
  readonly adminKey = `bench-admin-key-${this.run}-0123456789`;
  readonly kafkaBrokers: string[];
  /** This run's topics and groups: its own, created at start and deleted at stop. */
  readonly names = new TopicNames(scratchPrefix(BENCH_RUN_KIND));
  readonly ports: { sim: number; embedding: number; worker: number; invalidation: number; gateway: number };
  private readonly procs: Proc[];

  constructor(readonly o: PipelineOptions) {
    this.kafkaBrokers = o.kafkaBrokers ?? (process.env.DEJA_BENCH_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
    const p = o.basePort;
    this.ports = { sim: p, embedding: p + 1, worker: p + 2, invalidation: p + 3, gateway: p + 4 };
    const base = {
      DATABASE_URL: o.databaseUrl,
      KAFKA_BROKERS: this.kafkaBrokers.join(','),
      OTEL_EXPORTER_OTLP_ENDPOINT: o.otlpEndpoint ?? process.env.DEJA_BENCH_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
    };
    this.procs = [
      new Proc('provider-simulator', this.ports.sim, { ...base, ...(o.simEnv ?? {}) }),
      new Proc('embedding-service', this.ports.embedding, { ...base, ...embeddingEnv() }),
      new Proc('llm-worker', this.ports.worker, {
        ...base,
        OPENAI_BASE_URL: `${this.simUrl}/v1`,
        ANTHROPIC_BASE_URL: this.simUrl,
        OPENAI_API_KEY: 'bench',
        ANTHROPIC_API_KEY: 'bench',
      }),
      new Proc('invalidation-service', this.ports.invalidation, base),
      new Proc('gateway', this.ports.gateway, {
        ...base,
        DEJA_API_KEY: this.apiKey,
        DEJA_ADMIN_KEY: this.adminKey,
        DEJA_KEY_SECRET: 'bench-key-secret-0123456789abcdef',
        RATE_LIMIT_RPS: '100000',
        RATE_LIMIT_BURST: '100000',
        ...(o.gatewayEnv ?? {}),
      }),
    ];
  }

  get simUrl(): string {
    return `http://127.0.0.1:${this.ports.sim}`;
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  /** Starts every service in order; stops those already started if one fails. */
  async start(): Promise<void> {
    const root = repoRoot();
    const groupPrefix = `deja-bench-${this.run}`;
    const kafka = createKafka({ brokers: this.kafkaBrokers, clientId: 'deja-bench' });
    const stale = await openScratchRun(kafka, this.names, BENCH_RUN_KIND, STALE_RUN_MS);
    if (stale > 0) note(`pipeline: deleted ${stale} topics of benchmark runs older than a day`);
    note(`pipeline: Kafka topics ${this.names.prefix}*`);
    const started: Proc[] = [];
    try {
      for (const p of this.procs) {
        note(`pipeline: starting ${p.service} on :${p.port}`);
        await p.start(root, this.names.prefix, groupPrefix);
        started.push(p);
      }
    } catch (error) {
      for (const p of started.reverse()) await p.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    for (const p of [...this.procs].reverse()) await p.stop().catch(() => undefined);
    const kafka = createKafka({ brokers: this.kafkaBrokers, clientId: 'deja-bench' });
    await closeScratchRun(kafka, this.names).catch((error: Error) =>
      note(`pipeline: could not delete topics ${this.names.prefix}*: ${error.message}`),
    );
  }

  headers(): Record<string, string> {
    return { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' };
  }

  /** POST /v1/chat/completions; returns status, the x-deja-* headers and the answer text. */
  async chat(body: object): Promise<ChatReply> {
    const res = await fetch(`${this.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as { choices?: Array<{ message?: { content?: string } }> };
    return {
      status: res.status,
      cache: res.headers.get('x-deja-cache'),
      tier: res.headers.get('x-deja-tier'),
      entry: res.headers.get('x-deja-entry'),
      jobId: res.headers.get('x-deja-job-id'),
      content: json.choices?.[0]?.message?.content ?? null,
    };
  }

  /** POST /v1/jobs then long-polls it to completion. */
  async job(body: object): Promise<JobView> {
    const res = await fetch(`${this.gatewayUrl}/v1/jobs`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify(body),
    });
    if (res.status !== 202 && res.status !== 200) throw new Error(`POST /v1/jobs: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const deadline = Date.now() + 120000;
    for (;;) {
      const r = await fetch(`${this.gatewayUrl}/v1/jobs/${id}?wait=20`, { headers: this.headers() });
      const view = (await r.json()) as JobView;
      if (view.status !== 'queued') return view;
      if (Date.now() > deadline) throw new Error(`job ${id} still queued after 120 s`);
    }
  }

  /** The simulator's request log since `since` (its sequence numbers). */
  async simRequests(since = 0): Promise<{ requests: SimRequest[]; last_seq: number }> {
    const res = await fetch(`${this.simUrl}/_sim/requests?since=${since}`);
    return (await res.json()) as { requests: SimRequest[]; last_seq: number };
  }

  /**
   * Follows `deja.invalidated.v1` (the invalidation-service's audit records) from its current end:
   * `seen` maps event_id → the time (Date.now()) its record arrived here.
   */
  async followAudits(): Promise<{ seen: Map<string, number>; stop: () => Promise<void> }> {
    const groupId = this.names.group(`deja-bench-${this.run}.audits`);
    const topic = this.names.topic(INVALIDATED_V1);
    const kafka = createKafka({ brokers: this.kafkaBrokers, clientId: 'deja-bench-audits' });
    await startGroupAtEnd(kafka, groupId, [topic]);
    const consumer = kafka.consumer({ groupId });
    const seen = new Map<string, number>();
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          const record = JSON.parse(message.value?.toString() ?? '{}') as { event_id?: string };
          if (record.event_id && !seen.has(record.event_id)) seen.set(record.event_id, Date.now());
        } catch {
          // not ours to judge: the bench only times records it can read
        }
      },
    });
    return { seen, stop: () => consumer.disconnect() };
  }

  async simClearCache(): Promise<void> {
    await fetch(`${this.simUrl}/_sim/cache`, { method: 'DELETE' });
  }

  /** POST /v1/admin/doc-changes (admin key) → the event id. */
  async docChange(docId: string, tenant = 'default'): Promise<string> {
    const res = await fetch(`${this.gatewayUrl}/v1/admin/doc-changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant, doc_id: docId, change: 'updated' }),
    });
    if (res.status !== 202) throw new Error(`POST /v1/admin/doc-changes: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { event_id: string }).event_id;
  }
}

export interface ChatReply {
  status: number;
  cache: string | null;
  tier: string | null;
  entry: string | null;
  jobId: string | null;
  content: string | null;
}

export interface JobView {
  id: string;
  status: string;
  answer: { content: string } | null;
  cache: { outcome: string; tier: string | null; entry_id: string | null };
  usage: { input_tokens: number; cache_write_tokens: number; cache_read_tokens: number; output_tokens: number };
  cost: { usd: number; uncached_usd: number; saved_usd: number };
  error: { code: string; message: string } | null;
}

/** The question a simulated answer was built from ("Simulated answer to: <text ≤300> [sim:…]"). */
export function answeredQuestion(content: string | null | undefined): string | null {
  const m = /^Simulated answer to: ([\s\S]*) \[sim:[0-9a-f]+\]$/.exec(content ?? '');
  return m ? m[1] : null;
}

export interface SimRequest {
  seq: number;
  path: string;
  last_user_text?: string;
  status: number | null;
  /** The simulator's time to first token for this request (its latency model, scaled). */
  ttft_ms?: number | null;
  tokens?: { input_tokens: number; cache_write_tokens: number; cache_read_tokens: number; output_tokens: number };
}
