import type {
  Admin,
  ConsumerConfig,
  ConsumerRunConfig,
  ConsumerSubscribeTopics,
  IHeaders,
  Kafka,
  KafkaMessage,
  Message,
  Producer,
  ProducerRecord,
  RecordMetadata,
} from 'kafkajs';
import { ALL_TOPICS } from '@deja/contracts';
import { headersToStrings } from '@deja/data-access-kafka';
import type { StoredMessage } from './bus-store';
import type { BusSubscription, MessageBus } from './message-bus';

/** The kafkajs consumer events Deja's runner listens to (the bus emits none of them). */
const CONSUMER_EVENTS = {
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH_START: 'consumer.fetch_start',
  FETCH: 'consumer.fetch',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  REQUEST: 'consumer.network.request',
  REQUEST_TIMEOUT: 'consumer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size',
} as const;

/**
 * The part of kafkajs' `Kafka` that Deja's Kafka code uses — `producer()` (connect, send,
 * disconnect), `consumer()` (connect, subscribe, run with `eachMessage`, disconnect) and a
 * small `admin()` — backed by the in-process bus. Handing it to `TopicPublisher`,
 * `ConsumerRunner` and `KafkaConsumerServer` reuses their validation on publish and on consume,
 * retries and dead letters unchanged: embedded mode runs the same delivery code as the services.
 *
 * The cast to `Kafka` is the one place the shapes are asserted rather than checked: what is not
 * implemented here (transactions, `eachBatch`, seeking, pausing) throws when called.
 */
export function busKafka(bus: MessageBus): Kafka {
  const facade = {
    producer: () => busProducer(bus),
    consumer: (config: ConsumerConfig) => new BusConsumer(bus, config.groupId),
    admin: () => busAdmin(bus),
    logger: () => undefined,
  };
  return facade as unknown as Kafka;
}

function busProducer(bus: MessageBus): Producer {
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    isIdempotent: () => true,
    events: {},
    on: () => () => undefined,
    send: async (record: ProducerRecord): Promise<RecordMetadata[]> => {
      const stored = await bus.publish(record.topic, record.messages.map(toRecord));
      return stored.map((m) => ({ topicName: m.topic, partition: m.partition, errorCode: 0, baseOffset: m.offset }));
    },
    sendBatch: async () => unsupported('producer.sendBatch'),
    transaction: async () => unsupported('producer.transaction'),
    logger: () => undefined,
  };
  return producer as unknown as Producer;
}

function toRecord(m: Message): { key: string | null; value: Buffer | null; headers: Record<string, string> } {
  const key = m.key === null || m.key === undefined ? null : Buffer.isBuffer(m.key) ? m.key.toString('utf8') : m.key;
  const value = m.value === null ? null : Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value, 'utf8');
  return { key, value, headers: headersToStrings(m.headers) };
}

class BusConsumer {
  readonly events = CONSUMER_EVENTS;
  private readonly topics = new Set<string>();
  private subscription: BusSubscription | undefined;

  constructor(
    private readonly bus: MessageBus,
    private readonly groupId: string,
  ) {}

  async connect(): Promise<void> {
    return;
  }

  /**
   * Adds topics. A group that has committed nothing reads from the oldest message kept (Deja's
   * consumers all subscribe `fromBeginning`: accepted messages must not be skipped).
   */
  async subscribe(
    subscription: ConsumerSubscribeTopics | { topic: string | RegExp; fromBeginning?: boolean },
  ): Promise<void> {
    const topics = 'topics' in subscription ? subscription.topics : [subscription.topic];
    for (const t of topics) {
      if (typeof t !== 'string') unsupported('subscribing by RegExp');
      this.topics.add(t);
    }
  }

  async run(config: ConsumerRunConfig = {}): Promise<void> {
    const { eachMessage } = config;
    if (!eachMessage) return unsupported('consumer.run without eachMessage');
    this.subscription = this.bus.subscribe({
      groupId: this.groupId,
      topics: [...this.topics],
      concurrency: config.partitionsConsumedConcurrently ?? 1,
      manualCommit: config.autoCommit === false,
      eachMessage: (m) =>
        eachMessage({
          topic: m.topic,
          partition: m.partition,
          message: toKafkaMessage(m),
          heartbeat: async () => undefined,
          pause: () => unsupported('pausing a partition'),
        }),
    });
  }

  /** kafkajs' offset is the next one to read; the bus records the last one handled. */
  async commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void> {
    if (!this.subscription) throw new Error('commitOffsets before run');
    for (const o of offsets) await this.subscription.commit(o.topic, o.partition, (BigInt(o.offset) - 1n).toString());
  }

  on(): () => void {
    return () => undefined;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  async disconnect(): Promise<void> {
    await this.stop();
  }
}

function toKafkaMessage(m: StoredMessage): KafkaMessage {
  const headers: IHeaders = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
  return {
    key: m.key === null ? null : Buffer.from(m.key, 'utf8'),
    value: m.value,
    headers,
    offset: m.offset,
    timestamp: m.timestamp,
    attributes: 0,
  };
}

/**
 * Enough admin for Deja's consumer-lag metric: offsets are counted in messages kept (low 0, high
 * = count), so `high - committed` is the number of messages the group has not handled yet.
 */
function busAdmin(bus: MessageBus): Admin {
  const admin = {
    fetchTopicOffsets: async (topic: string) =>
      (await bus.progress('', topic)).map((p) => ({
        partition: p.partition,
        offset: String(p.kept),
        high: String(p.kept),
        low: '0',
      })),
    fetchOffsets: async ({ groupId, topics }: { groupId: string; topics: string[] }) =>
      Promise.all(
        topics.map(async (topic) => ({
          topic,
          partitions: (await bus.progress(groupId, topic)).map((p) => ({
            partition: p.partition,
            offset: String(p.committed),
            metadata: null,
          })),
        })),
      ),
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => ALL_TOPICS.map((t) => t.name),
    // Topics need no creation: a partition exists as soon as a message is appended to it.
    createTopics: async () => false,
    describeCluster: async () => ({ brokers: [], controller: null, clusterId: 'deja-embedded-bus' }),
  };
  return admin as unknown as Admin;
}

function unsupported(what: string): never {
  throw new Error(`the in-process bus does not support ${what}`);
}
