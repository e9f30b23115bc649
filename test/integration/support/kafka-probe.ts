import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { createKafka } from '@deja/data-access-kafka';
import { testEnv, testNames } from '../env';

/**
 * Test-side Kafka: a producer, and a consumer that records every message of the given topics
 * from the moment it has joined its (fresh) group. Topics are named logically (`deja.results.v1`)
 * and read and written under the run's prefix, like the services the test starts; `seen` is
 * keyed by the logical name.
 */
export class KafkaProbe {
  readonly kafka: Kafka;
  readonly producer: Producer;
  private consumer: Consumer | undefined;
  readonly seen = new Map<
    string,
    Array<{ key: string | null; value: Record<string, unknown>; headers: Record<string, string> }>
  >();

  constructor(
    clientId = 'test-probe',
    /** The deployment whose topics it reads and writes (default: this run's). */
    readonly names = testNames,
  ) {
    this.kafka = createKafka({ brokers: testEnv.kafkaBrokers, clientId });
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
  }

  async start(topics: string[]): Promise<void> {
    await this.producer.connect();
    const consumer = this.kafka.consumer({
      groupId: this.names.group(`test-probe-${randomUUID()}`),
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    const logical = new Map<string, string>();
    for (const topic of topics) {
      this.seen.set(topic, []);
      logical.set(this.names.topic(topic), topic);
      await consumer.subscribe({ topic: this.names.topic(topic), fromBeginning: false });
    }
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
        this.seen
          .get(logical.get(topic)!)!
          .push({ key: message.key?.toString() ?? null, value: JSON.parse(message.value!.toString()), headers });
      },
    });
    await joined;
    // Offsets for a fresh group resolve to "latest" just after the join.
    await new Promise((r) => setTimeout(r, 1500));
  }

  async send(topic: string, key: string, value: unknown, headers?: Record<string, string>): Promise<void> {
    await this.producer.send({
      topic: this.names.topic(topic),
      messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value), headers }],
    });
  }

  /** Waits for the first message on `topic` matching `pred`. */
  async waitFor<T = Record<string, unknown>>(
    topic: string,
    pred: (v: Record<string, unknown>) => boolean,
    timeoutMs = 60000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.seen.get(topic)?.find((m) => pred(m.value));
      if (hit) return hit.value as T;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for a message on ${topic}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  count(topic: string, pred: (v: Record<string, unknown>) => boolean): number {
    return this.seen.get(topic)?.filter((m) => pred(m.value)).length ?? 0;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer.disconnect();
  }
}
