import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { TopicNames, TOPICS, type DeadLetterV1, type DocChangeV1 } from '@deja/contracts';
import {
  ConsumerRunner,
  createKafka,
  deleteScratchTopics,
  ensureTopics,
  scratchPrefix,
  TopicPublisher,
  type InboundMessage,
} from '@deja/data-access-kafka';
import { testEnv } from '../env';

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Issue 19, item 7: two deployments on one broker, told apart only by `DEJA_TOPIC_PREFIX`, under
 * the same logical consumer group. Before the prefix they read the same topics in the same group,
 * so each got (some of) the other's messages.
 */
describe('DEJA_TOPIC_PREFIX: deployments sharing a broker (real broker)', () => {
  const a = new TopicNames(scratchPrefix('deja-test'));
  const b = new TopicNames(scratchPrefix('deja-test'));
  const got = { a: [] as InboundMessage<DocChangeV1>[], b: [] as InboundMessage<DocChangeV1>[] };
  const log = () => undefined;
  let kafka: Kafka;
  let producer: Producer;
  const runners: ConsumerRunner[] = [];

  const deployment = (names: TopicNames, into: InboundMessage<DocChangeV1>[]) =>
    new ConsumerRunner(kafka, {
      // The same logical group in both, as two installations of the same service would have.
      groupId: 'deja.invalidation-service',
      names,
      log,
      routes: [
        {
          topic: TOPICS.docChanges,
          handler: async (m) => void into.push(m as InboundMessage<DocChangeV1>),
        },
        { topic: TOPICS.deadLetter, handler: async () => undefined },
      ],
    });
  const event = (tenant: string): DocChangeV1 => ({
    event_id: randomUUID(),
    tenant,
    doc_id: 'handbook',
    change: 'updated',
    at: new Date().toISOString(),
  });

  beforeAll(async () => {
    kafka = createKafka({ brokers: testEnv.kafkaBrokers, clientId: 'topic-prefix-test' });
    await ensureTopics(kafka, a);
    await ensureTopics(kafka, b);
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    runners.push(deployment(a, got.a), deployment(b, got.b));
    await Promise.all(runners.map((r) => r.start()));
  });

  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await producer?.disconnect();
    await deleteScratchTopics(kafka, (topics) =>
      topics.filter((t) => t.startsWith(a.prefix) || t.startsWith(b.prefix)),
    );
  });

  it('joins a consumer group of its own even when the logical group is the same', () => {
    expect(runners.map((r) => r.groupId)).toEqual([
      `${a.prefix}deja.invalidation-service`,
      `${b.prefix}deja.invalidation-service`,
    ]);
  });

  it('never hands one deployment a message published under the other’s prefix', async () => {
    const forA = [event('tenant-a'), event('tenant-a'), event('tenant-a')];
    const forB = [event('tenant-b'), event('tenant-b'), event('tenant-b')];
    await new TopicPublisher(producer, a).publish(
      TOPICS.docChanges,
      forA.map((value) => ({ key: 'tenant-a/handbook', value })),
    );
    await new TopicPublisher(producer, b).publish(
      TOPICS.docChanges,
      forB.map((value) => ({ key: 'tenant-b/handbook', value })),
    );
    await until('each deployment to receive its own three events', () => got.a.length >= 3 && got.b.length >= 3);
    // A last event to each, received after the others: nothing of the other deployment was pending.
    const lastA = event('tenant-a');
    const lastB = event('tenant-b');
    await new TopicPublisher(producer, a).publish(TOPICS.docChanges, [{ key: 'tenant-a/handbook', value: lastA }]);
    await new TopicPublisher(producer, b).publish(TOPICS.docChanges, [{ key: 'tenant-b/handbook', value: lastB }]);
    await until('the last events', () =>
      [got.a, got.b].every((g, i) => g.some((m) => m.value.event_id === [lastA, lastB][i].event_id)),
    );

    expect(got.a.map((m) => m.value.event_id).sort()).toEqual([...forA, lastA].map((e) => e.event_id).sort());
    expect(got.b.map((m) => m.value.event_id).sort()).toEqual([...forB, lastB].map((e) => e.event_id).sort());
    expect(new Set(got.a.map((m) => m.topic))).toEqual(new Set([a.topic(TOPICS.docChanges)]));
  });

  it('dead-letters into its own dead-letter topic, naming the physical topic the message came from', async () => {
    const dead: DeadLetterV1[] = [];
    const reader = kafka.consumer({ groupId: a.group(`dlq-reader-${randomUUID()}`) });
    await reader.connect();
    await reader.subscribe({ topic: a.topic(TOPICS.deadLetter), fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void dead.push(JSON.parse(message.value!.toString())) });
    try {
      const marker = randomUUID();
      await producer.send({ topic: a.topic(TOPICS.docChanges), messages: [{ key: marker, value: '{not json' }] });
      await until('the dead letter', () => dead.some((d) => d.key === marker));
      expect(dead.find((d) => d.key === marker)).toMatchObject({
        source_topic: a.topic(TOPICS.docChanges),
        consumer_group: `${a.prefix}deja.invalidation-service`,
        reason: { code: 'malformed_json' },
      });
    } finally {
      await reader.disconnect();
    }
  });
});
