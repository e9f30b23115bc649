import './register-paths';
import { TopicNames } from '@deja/contracts';
import { closeScratchRun, createKafka } from '@deja/data-access-kafka';
import { testEnv, TEST_TOPIC_PREFIX_ENV } from './env';
import { TEST_RUN_KIND } from './global-setup';

/** Deletes this run's topics (global setup created them under the run's prefix). */
export default async function globalTeardown(): Promise<void> {
  const prefix = process.env[TEST_TOPIC_PREFIX_ENV];
  // Only a prefix global setup made: one given from outside may be shared with something else.
  if (!prefix?.startsWith(`${TEST_RUN_KIND}-`)) return;
  const kafka = createKafka({ brokers: testEnv.kafkaBrokers, clientId: 'deja-test-teardown' });
  await closeScratchRun(kafka, new TopicNames(prefix));
}
