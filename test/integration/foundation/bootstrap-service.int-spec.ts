import { Controller, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { DEAD_LETTER_V1, DOC_CHANGES_V1, TOPICS, type DeadLetterV1, type DocChangeV1 } from '@deja/contracts';
import { KafkaModule, MessageHandlingException, type InboundMessage } from '@deja/data-access-kafka';
import { bootstrapService, OpsModule } from '@deja/feature-ops';
import { testEnv, testNames } from '../env';
import { KafkaProbe } from '../support/kafka-probe';
import { startGroupAtEnd } from '../support/service-process';

/**
 * Regression: error handling through the real service bootstrap (`bootstrapService`), not a
 * hand-built microservice. Until 6dfeb73 the pass-through filter was silently not applied there,
 * so Nest turned every handler error into a plain "Internal server error" and a transient
 * failure was dead-lettered instead of retried. Also checks the graceful drain on close.
 */
const marker = randomUUID().slice(0, 8);
const attempts = new Map<string, number>();
const handled: string[] = [];
let slowStarted = false;
let blockedStarted = false;
/** Opened by the test (or after 30 s, so a failing run ends): the '-blocked' handler waits for it. */
let openGate: () => void = () => undefined;
const gate = new Promise<void>((r) => {
  openGate = r;
  setTimeout(r, 30000).unref();
});

let heldStarted = false;
let releaseHeld: () => void = () => undefined;
const held = new Promise<void>((r) => {
  releaseHeld = r;
  setTimeout(r, 30000).unref();
});

@Controller()
class FlakyHandler {
  @EventPattern(DOC_CHANGES_V1)
  async onDocChange(@Payload() message: InboundMessage<DocChangeV1>): Promise<void> {
    const id = message.value.event_id;
    if (!id.startsWith(marker)) return;
    const n = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, n);
    if (id.endsWith('-transient') && n <= 2) throw MessageHandlingException.transient('the database blinked');
    // What pg throws when Postgres is restarting: retried by its code, not dead-lettered.
    if (id.endsWith('-pg') && n <= 1)
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    if (id.endsWith('-rejected')) throw MessageHandlingException.rejected('no such document');
    if (id.endsWith('-blocked')) {
      blockedStarted = true;
      await gate;
    }
    if (id.endsWith('-held')) {
      heldStarted = true;
      await held;
    }
    if (id.endsWith('-slow')) {
      slowStarted = true;
      await new Promise((r) => setTimeout(r, 3000));
    }
    handled.push(id);
  }
}

@Module({})
class FlakyServiceModule {
  static forRoot(): DynamicModule {
    return {
      module: FlakyServiceModule,
      imports: [
        KafkaModule.forRoot({
          brokers: testEnv.kafkaBrokers,
          clientId: 'bootstrap-test',
          topicPrefix: testEnv.topicPrefix,
        }),
        OpsModule.forRoot({ service: 'bootstrap-test', checks: [] }),
      ],
      controllers: [FlakyHandler],
    };
  }
}

/** Two message keys that kafkajs' default partitioner puts on different partitions of `topic`. */
function keysOnDifferentPartitions(topic: string): [string, string] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: TOPICS.docChanges.partitions }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));
  const partitionOf = (key: string) => partitioner({ topic, partitionMetadata, message: { key, value: null } });
  const first = 'acme/handbook';
  for (let i = 0; ; i++) {
    const key = `acme/pricing-${i}`;
    if (partitionOf(key) !== partitionOf(first)) return [first, key];
  }
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('bootstrapService: handler errors and shutdown (real broker)', () => {
  const group = `test-bootstrap-${marker}`;
  const probe = new KafkaProbe('bootstrap-test-probe');
  let app: INestApplication | undefined;
  const start = () =>
    bootstrapService({
      service: 'bootstrap-test',
      module: FlakyServiceModule.forRoot(),
      port: 18598,
      host: '127.0.0.1',
      logLevel: 'warn',
      consumerGroup: group,
    });
  const event = (suffix: string): DocChangeV1 => ({
    event_id: `${marker}-${randomUUID().slice(0, 8)}-${suffix}`,
    tenant: 'acme',
    doc_id: 'handbook',
    change: 'updated',
    at: new Date().toISOString(),
  });
  const deadLettersFor = (id: string) =>
    probe.count(
      DEAD_LETTER_V1,
      (d) => typeof d.value === 'string' && d.value.includes(id) && d.consumer_group === testNames.group(group),
    );

  beforeAll(async () => {
    await probe.start([DEAD_LETTER_V1]);
    await startGroupAtEnd(group, [DOC_CHANGES_V1]);
    app = await start();
  });

  afterAll(async () => {
    await app?.close();
    await probe.stop();
  });

  it('retries a transient error and a connection-level pg error until the handler succeeds, dead-lettering nothing', async () => {
    const transient = event('transient');
    const pg = event('pg');
    await probe.send(DOC_CHANGES_V1, 'acme/handbook', transient);
    await probe.send(DOC_CHANGES_V1, 'acme/handbook', pg);
    await until(
      'both events to be handled',
      () => handled.includes(transient.event_id) && handled.includes(pg.event_id),
    );
    expect(attempts.get(transient.event_id)).toBe(3);
    expect(attempts.get(pg.event_id)).toBe(2);
    expect(deadLettersFor(transient.event_id) + deadLettersFor(pg.event_id)).toBe(0);
  });

  it('dead-letters a terminal rejection once, with the handler’s reason, and goes on', async () => {
    const rejected = event('rejected');
    const after = event('ok');
    await probe.send(DOC_CHANGES_V1, 'acme/handbook', rejected);
    await probe.send(DOC_CHANGES_V1, 'acme/handbook', after);
    const dl = await probe.waitFor<DeadLetterV1>(
      DEAD_LETTER_V1,
      (d) => typeof d.value === 'string' && d.value.includes(rejected.event_id),
    );
    expect(dl).toMatchObject({
      // The physical names: where the message sits and which group refused it.
      source_topic: testNames.topic(DOC_CHANGES_V1),
      consumer_group: testNames.group(group),
      reason: { code: 'rejected', message: expect.stringContaining('no such document') },
    });
    await until('the next event to be handled', () => handled.includes(after.event_id));
    expect(attempts.get(rejected.event_id)).toBe(1);
  });

  // Regression: kafkajs fetches again only when every message of its last fetch has returned
  // from eachMessage, so a handler awaited there held every other partition behind it — one
  // slow provider call stopped all misses, and each lookup delayed the next request by its time.
  it('a handler still running on one partition does not hold back messages on another', async () => {
    const blocked = event('blocked');
    const other = { ...event('ok'), doc_id: 'pricing' };
    const [blockedKey, otherKey] = keysOnDifferentPartitions(DOC_CHANGES_V1);
    await probe.send(DOC_CHANGES_V1, blockedKey, blocked);
    await until('the blocked handler to start', () => blockedStarted);
    await probe.send(DOC_CHANGES_V1, otherKey, other);
    await until('the other partition’s event to be handled', () => handled.includes(other.event_id), 15000);
    expect(handled).not.toContain(blocked.event_id);
    openGate();
    await until('the blocked event to be handled once released', () => handled.includes(blocked.event_id));
  });

  it('on one partition, a tenant whose handler is still running does not hold back another tenant; commits never pass the unfinished message', async () => {
    // Before: one lane per partition, so 'other' waited for 'acme' to finish (issue 19's flood:
    // another tenant's question waited behind one tenant's backlog).
    const admin = probe.kafka.admin();
    await admin.connect();
    try {
      const topic = testNames.topic(TOPICS.docChanges);
      const [key] = keysOnDifferentPartitions(DOC_CHANGES_V1);
      const partitionOf = async () => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.map((o) => ({ partition: o.partition, high: BigInt(o.high) }));
      };
      const before = await partitionOf();
      const slow = event('held');
      await probe.send(DOC_CHANGES_V1, key, slow, { 'deja-tenant': 'acme' });
      await until('the held handler to start', () => heldStarted);
      const after = await partitionOf();
      const moved = after.find((a) => a.high !== before.find((b) => b.partition === a.partition)?.high);
      expect(moved).toBeDefined();
      const heldOffset = moved!.high - 1n;
      const other = { ...event('ok'), tenant: 'globex' };
      await probe.send(DOC_CHANGES_V1, key, other, { 'deja-tenant': 'globex' });
      await until("the other tenant's event to be handled", () => handled.includes(other.event_id), 15000);
      expect(handled).not.toContain(slow.event_id);
      const committed = async () => {
        const [t] = await admin.fetchOffsets({ groupId: testNames.group(group), topics: [topic] });
        return BigInt(t!.partitions.find((p) => p.partition === moved!.partition)!.offset);
      };
      // The other tenant's later message is done, but the held one is not: nothing past it is committed.
      expect(await committed()).toBeLessThanOrEqual(heldOffset);
      releaseHeld();
      await until('the held event to be handled', () => handled.includes(slow.event_id));
      const deadline = Date.now() + 30000;
      while ((await committed()) < heldOffset + 2n) {
        if (Date.now() > deadline)
          throw new Error(`commit stayed at ${await committed()}, expected ${heldOffset + 2n}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('close() lets an in-flight handler finish and commits it: a restarted service does not get it again', async () => {
    const slow = event('slow');
    await probe.send(DOC_CHANGES_V1, 'acme/handbook', slow);
    await until('the slow handler to start', () => slowStarted);
    await app!.close();
    app = undefined;
    expect(handled).toContain(slow.event_id);

    app = await start();
    const probeEvent = event('ok');
    await probe.send(DOC_CHANGES_V1, 'acme/handbook', probeEvent);
    await until('the restarted service to handle a new event', () => handled.includes(probeEvent.event_id));
    expect(attempts.get(slow.event_id)).toBe(1);
  });
});
