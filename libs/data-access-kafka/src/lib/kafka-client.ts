import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import { ALL_TOPICS, type TopicContract } from '@deja/contracts';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
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
 * Creates the topics Deja uses (and only those) when they do not exist. Broker auto-creation is
 * off, so a topic always has the partition count its contract asks for.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicContract[] = ALL_TOPICS): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })),
      });
    }
    return missing.map((t) => t.name);
  } finally {
    await admin.disconnect();
  }
}
