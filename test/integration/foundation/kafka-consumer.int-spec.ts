import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { DeadLetterV1 } from '@deja/contracts';
import { DEAD_LETTER_V1, DOC_CHANGES_V1, TOPICS, type DocChangeV1 } from '@deja/contracts';
import {
  createKafka,
  ensureTopics,
  KafkaConsumerServer,
  RpcPassthroughFilter,
  TopicPublisher,
  type InboundMessage,
} from '@deja/data-access-kafka';
import { testEnv, testNames } from '../env';

const received: InboundMessage<DocChangeV1>[] = [];

@Controller()
class DocChangeProbe {
  @EventPattern(DOC_CHANGES_V1)
  async onDocChange(@Payload() message: InboundMessage<DocChangeV1>): Promise<void> {
    received.push(message);
  }
}

@Module({ controllers: [DocChangeProbe] })
class ProbeModule {}

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Publishes a valid document change of tenant `acme` through the validating publisher. */
async function publishValid(p: Producer, docId: string, change: DocChangeV1['change']): Promise<DocChangeV1> {
  const value: DocChangeV1 = {
    event_id: randomUUID(),
    tenant: 'acme',
    doc_id: docId,
    change,
    at: new Date().toISOString(),
  };
  await new TopicPublisher(p, testNames).publish(TOPICS.docChanges, [{ key: `acme/${docId}`, value }]);
  return value;
}

describe('Kafka consumer (real broker)', () => {
  let kafka: Kafka;
  let app: INestMicroservice;
  let dlqConsumer: Consumer;
  const deadLetters: DeadLetterV1[] = [];
  /** A connected producer that never creates topics. */
  const connectedProducer = async () => {
    const p = kafka.producer({ allowAutoTopicCreation: false });
    await p.connect();
    return p;
  };

  beforeAll(async () => {
    kafka = createKafka({ brokers: testEnv.kafkaBrokers, clientId: 'foundation-test' });
    await ensureTopics(kafka, testNames);
    dlqConsumer = kafka.consumer({ groupId: testNames.group(`test-dlq-${randomUUID()}`) });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: testNames.topic(DEAD_LETTER_V1), fromBeginning: false });
    await dlqConsumer.run({
      eachMessage: async ({ message }) => void deadLetters.push(JSON.parse(message.value!.toString())),
    });

    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestMicroservice({
      strategy: new KafkaConsumerServer({ kafka, names: testNames, groupId: `test-consumer-${randomUUID()}` }),
    });
    app.useGlobalFilters(new RpcPassthroughFilter());
    await app.listen();
    // Let the new groups join and be assigned partitions before producing.
    await new Promise((r) => setTimeout(r, 4000));
  });

  afterAll(async () => {
    await app?.close();
    await dlqConsumer?.disconnect();
  });

  it('creates every contracted topic under the prefix with its partition count', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: Object.values(TOPICS).map((t) => testNames.topic(t)) });
    await admin.disconnect();
    for (const t of Object.values(TOPICS)) {
      expect(meta.topics.find((m) => m.name === testNames.topic(t))?.partitions).toHaveLength(t.partitions);
    }
  });

  it('delivers a message produced with kafkajs to a Nest @EventPattern handler, validated', async () => {
    const p = await connectedProducer();
    const event: DocChangeV1 = {
      event_id: randomUUID(),
      tenant: 'acme',
      doc_id: 'handbook',
      change: 'updated',
      version: 3,
      at: new Date().toISOString(),
    };
    await new TopicPublisher(p, testNames).publish(TOPICS.docChanges, [{ key: 'acme/handbook', value: event }]);
    await p.disconnect();
    const got = await waitFor('the handler to receive the event', () =>
      received.find((m) => m.value.event_id === event.event_id),
    );
    expect(got.value).toEqual(event);
    expect(got.key).toBe('acme/handbook');
  });

  it('sends a message that breaks its schema to the dead-letter topic with the field, and keeps consuming', async () => {
    const p = await connectedProducer();
    const badId = randomUUID();
    await p.send({
      topic: testNames.topic(DOC_CHANGES_V1),
      messages: [{ key: 'acme/x', value: JSON.stringify({ event_id: badId, tenant: 'acme', change: 'exploded' }) }],
    });
    await p.send({ topic: testNames.topic(DOC_CHANGES_V1), messages: [{ key: 'acme/y', value: '{not json' }] });
    const good = await publishValid(p, 'y', 'deleted');
    await p.disconnect();

    const dl = await waitFor('a dead letter for the schema violation', () =>
      deadLetters.find((d) => d.value?.includes(badId)),
    );
    expect(dl.reason.code).toBe('schema_violation');
    expect(dl.reason.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['doc_id', 'change', 'at']));
    const dl2 = await waitFor('a dead letter for the malformed JSON', () =>
      deadLetters.find((d) => d.value === '{not json'),
    );
    expect(dl2.reason.code).toBe('malformed_json');
    await waitFor('the consumer to go on past the bad messages', () =>
      received.find((m) => m.value.event_id === good.event_id),
    );
  });

  it('dead-letters a huge poison message in a record the broker accepts (value cut), and keeps consuming', async () => {
    const p = await connectedProducer();
    const marker = randomUUID();
    // 300 KB of control characters: JSON-escaped six-fold, the whole value would exceed 1 MB.
    await p.send({
      topic: testNames.topic(DOC_CHANGES_V1),
      messages: [{ key: `poison-${marker}`, value: `${marker}${'\u0001'.repeat(300_000)}` }],
    });
    const good = await publishValid(p, 'z', 'updated');
    await p.disconnect();
    const dl = await waitFor('the poison message dead letter', () =>
      deadLetters.find((d) => d.key === `poison-${marker}`),
    );
    expect(dl).toMatchObject({ value_truncated: true, reason: { code: 'malformed_json' } });
    expect(dl.original_bytes).toBeGreaterThan(300_000);
    await waitFor('the consumer to go on past the poison message', () =>
      received.find((m) => m.value.event_id === good.event_id),
    );
  });
});
