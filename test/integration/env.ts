import { TopicNames } from '@deja/contracts';

/** The variable global setup passes the run's topic prefix in (Jest workers inherit it). */
export const TEST_TOPIC_PREFIX_ENV = 'DEJA_TEST_TOPIC_PREFIX';

/**
 * Where the integration tests find the real services. The defaults match `deploy/local/up`;
 * override them to run against other hosts.
 */
export const testEnv = {
  databaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://deja:deja@127.0.0.1:5432/deja_test',
  kafkaBrokers: (process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  otlpEndpoint: process.env.TEST_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
  jaegerQueryUrl: process.env.TEST_JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686',
  /**
   * This run's `DEJA_TOPIC_PREFIX`, chosen once by `global-setup.ts` (which creates its topics):
   * every spawned service, probe and helper uses it, so parallel runs on one broker never see
   * each other's messages.
   */
  topicPrefix: process.env[TEST_TOPIC_PREFIX_ENV] ?? '',
};

/** The run's physical topic and group names. */
export const testNames = new TopicNames(testEnv.topicPrefix);

/** The Kafka part of a spawned service's or tool's environment: the broker and the run's prefix. */
export function kafkaEnv(): { KAFKA_BROKERS: string; DEJA_TOPIC_PREFIX: string } {
  return { KAFKA_BROKERS: testEnv.kafkaBrokers.join(','), DEJA_TOPIC_PREFIX: testEnv.topicPrefix };
}
