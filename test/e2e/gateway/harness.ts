import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import {
  CacheOptions,
  ContractsTesting,
  REQUESTS_V1,
  RESULTS_V1,
  RequestV1,
  TopicNames,
  TOPICS,
  type ResultV1,
} from '@deja/contracts';
import { JobsRepository } from '@deja/data-access-jobs';
import { createKafka, KAFKA, KafkaConsumerServer, TopicPublisher } from '@deja/data-access-kafka';
import {
  configureGatewayHttp,
  gatewayInfrastructure,
  GatewayModule,
  type GatewayInfrastructureOptions,
  type GatewayOptions,
} from '@deja/feature-gateway';
import { testEnv, testNames } from '../../integration/env';
import { waitForGroup } from '../../integration/support/consumer-group';

export const ADMIN_KEY = `admin-${randomUUID()}`;
export const KEY_SECRET = 'e2e-gateway-key-secret-0123456789';

/** A gateway replica running in this process on its own port, as `main.ts` would start it. */
export interface GatewayReplica {
  app: INestApplication;
  url: string;
  port: number;
}

/** The test Kafka (under this run's topic prefix) and Postgres. */
export const infrastructure: GatewayInfrastructureOptions = {
  kafka: { brokers: testEnv.kafkaBrokers, clientId: 'gateway-e2e', topicPrefix: testEnv.topicPrefix },
  database: { url: testEnv.databaseUrl, poolMax: 5, runMigrations: true },
};

export function gatewayOptions(over: Partial<GatewayOptions> = {}): GatewayOptions {
  return {
    adminKey: ADMIN_KEY,
    keySecret: KEY_SECRET,
    bodyLimitBytes: 256 * 1024,
    rateLimit: { rps: 1000, burst: 1000 },
    publishTimeoutMs: 3000,
    compatWaitSeconds: 15,
    maxJobWaitSeconds: 30,
    // Far longer than any wait in these tests: a waiter that wakes fast was woken by NOTIFY.
    recheckMs: 60000,
    jobExpireSeconds: 900,
    // Each replica its own broadcast group on deja.chunks.v1, as apps/gateway names them.
    liveChunksGroupId: `gw-e2e-live-${randomUUID()}`,
    ...over,
  };
}

export async function startReplica(groupId: string, over: Partial<GatewayOptions> = {}): Promise<GatewayReplica> {
  const options = gatewayOptions(over);
  const root: DynamicModule = {
    module: class GatewayE2eRoot {},
    imports: [...gatewayInfrastructure(infrastructure), GatewayModule.forRoot(options)],
  };
  const app = await NestFactory.create(root, { logger: ['fatal', 'error', 'warn'], abortOnError: false });
  configureGatewayHttp(app, options);
  app.connectMicroservice(
    { strategy: new KafkaConsumerServer({ kafka: app.get(KAFKA), names: app.get(TopicNames), groupId }) },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port, url: `http://127.0.0.1:${port}` };
}

export type Responder = (
  request: RequestV1,
) =>
  | (Omit<ResultV1, 'request_id' | 'tenant' | 'completed_at' | 'saved_usage' | 'warnings'> & Partial<ResultV1>)
  | undefined;

/**
 * Plays the pipeline behind the gateway: consumes deja.requests.v1 and answers the requests of
 * the given tenants on deja.results.v1 with whatever `respond` returns (undefined: no answer).
 */
export class SimulatedPipeline {
  readonly kafka: Kafka;
  readonly received: RequestV1[] = [];
  private readonly answered = new Set<string>();
  private consumer: Consumer | undefined;
  private producer: Producer;
  private publisher: TopicPublisher;
  respond: Responder = () => undefined;

  constructor(readonly tenants: Set<string>) {
    this.kafka = createKafka({ brokers: testEnv.kafkaBrokers, clientId: 'gateway-e2e-pipeline' });
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.publisher = new TopicPublisher(this.producer, testNames);
  }

  async start(): Promise<void> {
    await this.producer.connect();
    const groupId = testNames.group(`gw-e2e-pipeline-${randomUUID()}`);
    this.consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: testNames.topic(REQUESTS_V1), fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const parsed = RequestV1.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
        if (!parsed.success || !this.tenants.has(parsed.data.tenant)) return;
        if (message.key?.toString() !== parsed.data.request_id)
          throw new Error(`request key ${String(message.key)} is not the request id`);
        this.received.push(parsed.data);
        // Like the real pipeline: an id is answered once, however often it is sent.
        if (this.answered.has(parsed.data.request_id)) return;
        const answer = this.respond(parsed.data);
        if (!answer) return;
        this.answered.add(parsed.data.request_id);
        const result = {
          request_id: parsed.data.request_id,
          tenant: parsed.data.tenant,
          completed_at: new Date().toISOString(),
          ...answer,
        };
        const replyTo = parsed.data.reply_to ?? message.headers?.['reply-to']?.toString();
        if (replyTo)
          await this.publisher.publishRaw(replyTo, [
            { key: result.request_id, value: JSON.stringify(TOPICS.results.value.parse(result)) },
          ]);
        else await this.send(result);
      },
    });
    await waitForGroup(this.kafka, groupId, 1);
    await this.warmUp();
  }

  /**
   * A fresh group starts at "latest" once it first fetches each partition; until then messages
   * are skipped. Probe every partition until each probe is seen, so no test message is lost.
   */
  private async warmUp(): Promise<void> {
    const tenant = [...this.tenants][0];
    const partitions = TOPICS.requests.partitions;
    const pending = new Set(Array.from({ length: partitions }, (_, p) => `probe-${randomUUID()}-p${p}`));
    const probes = [...pending];
    const deadline = Date.now() + 60000;
    while (pending.size > 0) {
      if (Date.now() > deadline)
        throw new Error(`pipeline consumer did not see probes on ${pending.size} partition(s)`);
      await this.producer.send({
        topic: testNames.topic(REQUESTS_V1),
        messages: probes
          .map((id, partition) => ({ id, partition }))
          .filter(({ id }) => pending.has(id))
          .map(({ id, partition }) => ({
            partition,
            key: id,
            value: JSON.stringify({
              request_id: id,
              tenant,
              submitted_at: new Date().toISOString(),
              request: { provider: 'openai', model: 'probe', messages: [{ role: 'user', content: 'IGNORE probe' }] },
            }),
          })),
      });
      await sleep(500);
      for (const r of this.received) pending.delete(r.request_id);
    }
  }

  /** Publishes a result directly (e.g. a duplicate). */
  async send(result: Omit<ResultV1, 'saved_usage' | 'warnings'> & Partial<ResultV1>): Promise<void> {
    await this.publisher.publish(TOPICS.results, [{ key: result.request_id, value: result }]);
  }

  async waitForRequest(pred: (r: RequestV1) => boolean, timeoutMs = 30000): Promise<RequestV1> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.received.find(pred);
      if (r) return r;
      if (Date.now() > deadline) throw new Error('timed out waiting for a request on deja.requests.v1');
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer.disconnect();
  }
}

export const miss = (content: string, extra: Partial<ResultV1> = {}) => ({
  status: 'completed' as const,
  answer: { content, finish_reason: 'stop', simulated: true },
  cache: { outcome: 'miss' as const, tier: null, similarity: null, threshold: 0.93, entry_id: null, rejected_by: null },
  usage: { input_tokens: 40, cache_write_tokens: 0, cache_read_tokens: 60, output_tokens: 12 },
  cost: { usd: 0.0003, uncached_usd: 0.0004, saved_usd: 0.0001 },
  error: null,
  ...extra,
});

export const hit = (content: string, similarity = 0.9712) => ({
  ...miss(content),
  cache: {
    outcome: 'hit' as const,
    tier: 'semantic' as const,
    similarity,
    threshold: 0.93,
    entry_id: 'entry-42',
    rejected_by: null,
  },
  usage: { input_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 0 },
  saved_usage: { input_tokens: 100, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 12 },
  cost: { usd: 0, uncached_usd: 0.0004, saved_usd: 0.0004 },
});

/** The text of the last user message of a neutral request. */
export function lastUserText(r: RequestV1): string {
  const m = [...r.request.messages].reverse().find((x) => x.role === 'user');
  if (!m) return '';
  return typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join('');
}

/**
 * Jobs that must stay unanswered are kept off Kafka: the replicas store them but do not publish,
 * so no pipeline running on the same broker (another engineer's services) can answer them.
 */
export function keepOffKafka(...replicas: GatewayReplica[]): () => void {
  const spies = replicas.map((r) => jest.spyOn(r.app.get(TopicPublisher), 'publish').mockResolvedValue(undefined));
  return () => spies.forEach((s) => s.mockRestore());
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function http(
  method: string,
  url: string,
  opts: { key?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers['authorization'] = `Bearer ${opts.key}`;
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}

/** A queued job stored straight in the jobs table, as the gateway stores one (no Kafka involved). */
export async function storeJob(repo: JobsRepository, tenant: string, model: string, content: string) {
  const { job } = await repo.create({
    id: randomUUID(),
    tenant,
    clientId: null,
    request: {
      request: { provider: 'openai', model, messages: [{ role: 'user', content }], params: {} },
      cache: CacheOptions.parse({}),
    },
  });
  return job;
}

/**
 * The replicas' shared group starts at "latest" on each partition's first fetch: complete one
 * probe job per results partition (re-sending until done) so no later result is skipped.
 */
async function warmUpResults(replica: GatewayReplica, kafka: Kafka): Promise<void> {
  const repo = replica.app.get(JobsRepository);
  const tenant = `e2e-probe-${randomUUID().slice(0, 8)}`;
  const jobs = await Promise.all(
    Array.from({ length: TOPICS.results.partitions }, async (_, partition) => {
      const job = await storeJob(repo, tenant, 'probe', 'probe');
      return { id: job.id, partition };
    }),
  );
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    let pending = jobs;
    const deadline = Date.now() + 60000;
    while (pending.length > 0) {
      if (Date.now() > deadline)
        throw new Error(`gateway results consumer did not complete probes on ${pending.length} partition(s)`);
      await producer.send({
        topic: testNames.topic(RESULTS_V1),
        messages: pending.map(({ id, partition }) => ({
          partition,
          key: id,
          value: JSON.stringify({ request_id: id, tenant, completed_at: new Date().toISOString(), ...miss('probe') }),
        })),
      });
      await sleep(500);
      const states = await Promise.all(pending.map(async (p) => ({ p, job: await repo.findForTenant(tenant, p.id) })));
      pending = states.filter((x) => x.job?.status !== 'completed').map((x) => x.p);
    }
  } finally {
    await producer.disconnect();
  }
}

export interface GatewayStack {
  a: GatewayReplica;
  b: GatewayReplica;
  pipeline: SimulatedPipeline;
  /** Tenant id → API key, created through the admin API. */
  keys: Record<'main' | 'other' | 'limited', { tenant: string; key: string }>;
  stop: () => Promise<void>;
}

/**
 * Two gateway replicas sharing one results consumer group, plus a simulated pipeline that
 * answers requests of this run's tenants: last user message `HIT …` → a semantic hit,
 * `FAIL …` → a failed result, `NOTFOUND …` → a provider's 404, `IGNORE …` → no answer, anything else → a miss.
 */
export async function startStack(over: Partial<GatewayOptions> = {}): Promise<GatewayStack> {
  const run = randomUUID().slice(0, 8);
  const ids = { main: `e2e-${run}-main`, other: `e2e-${run}-other`, limited: `e2e-${run}-limited` };
  const pipeline = new SimulatedPipeline(new Set(Object.values(ids)));
  pipeline.respond = (r) => {
    const text = lastUserText(r);
    if (text.startsWith('IGNORE')) return undefined;
    if (text.startsWith('HIT')) return hit(`cached answer to: ${text}`);
    if (text.startsWith('FAIL')) {
      return {
        ...miss(''),
        status: 'failed',
        answer: null,
        error: { code: 'provider_error', message: 'simulated provider failure', retriable: false },
      };
    }
    if (text.startsWith('NOTFOUND')) {
      return {
        ...miss(''),
        status: 'failed',
        answer: null,
        error: {
          code: 'model_not_found',
          message: 'openai 404: The model `gpt-9` does not exist',
          retriable: false,
          provider_error: ContractsTesting.MODEL_NOT_FOUND,
        },
      };
    }
    return miss(`answer to: ${text}`);
  };
  const groupId = `gw-e2e-${run}`;
  const a = await startReplica(groupId, over);
  const b = await startReplica(groupId, over);
  await Promise.all([
    waitForGroup(a.app.get(KAFKA), testNames.group(groupId), 2).then(() => warmUpResults(a, pipeline.kafka)),
    pipeline.start(),
  ]);
  const keys = {} as GatewayStack['keys'];
  for (const [name, tenant] of Object.entries(ids) as Array<[keyof typeof ids, string]>) {
    const res = await http('POST', `${a.url}/v1/admin/tenants`, {
      key: ADMIN_KEY,
      body: { id: tenant, ...(name === 'limited' ? { rate_limit: { rps: 0.2, burst: 2 } } : {}) },
    });
    if (res.status !== 201) throw new Error(`creating tenant ${tenant}: ${res.status} ${JSON.stringify(res.body)}`);
    keys[name] = { tenant, key: res.body['api_key'] as string };
  }
  return {
    a,
    b,
    pipeline,
    keys,
    stop: async () => {
      await pipeline.stop();
      await Promise.all([a.app.close(), b.app.close()]);
    },
  };
}
