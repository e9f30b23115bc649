import { Kafka, logLevel, type Admin, type KafkaConfig, type LogEntry } from 'kafkajs';
import { ALL_TOPICS, TopicNames, type TopicContract } from '@deja/contracts';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  /** `DEJA_TOPIC_PREFIX`: put before every topic and consumer group name (default none). */
  topicPrefix?: string;
}

/** kafkajs log entries routed to a logger of the caller's choice (Nest Logger in services). */
export type KafkaLogSink = (level: 'error' | 'warn' | 'log' | 'debug', message: string) => void;

export function createKafka(conn: KafkaConnection, sink?: KafkaLogSink): Kafka {
  const config: KafkaConfig = {
    clientId: conn.clientId,
    brokers: conn.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 30000 },
    logLevel: logLevel.WARN,
  };
  if (sink) {
    config.logCreator = () => (entry: LogEntry) => {
      const level =
        entry.level <= logLevel.ERROR
          ? 'error'
          : entry.level === logLevel.WARN
            ? 'warn'
            : entry.level === logLevel.INFO
              ? 'log'
              : 'debug';
      const { message, ...rest } = entry.log;
      sink(level, `[kafkajs ${entry.namespace}] ${message} ${JSON.stringify(rest)}`);
    };
  }
  return new Kafka(config);
}

/**
 * Creates the topics Deja uses (and only those), under the deployment's names, when they do not
 * exist. Broker auto-creation is off, so a topic always has the partition count its contract asks
 * for.
 */
export async function ensureTopics(
  kafka: Kafka,
  names: TopicNames = TopicNames.unprefixed,
  topics: readonly TopicContract[] = ALL_TOPICS,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.map((t) => ({ ...t, physical: names.topic(t) })).filter((t) => !existing.has(t.physical));
    if (missing.length > 0) {
      // Not kafkajs' `waitForLeaders`: it gives up on 'does not host this topic-partition', which a
      // busy broker answers for a moment after creating many topics; untilServed retries it.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({ topic: t.physical, numPartitions: t.partitions, replicationFactor: 1 })),
      });
      await untilServed(
        admin,
        missing.map((t) => t.physical),
      );
    }
    return missing.map((t) => t.physical);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until the broker answers metadata for new topics with a leader for every partition, so a
 * consumer subscribing at once does not fail with "This server does not host this
 * topic-partition".
 */
async function untilServed(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
