import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';

/**
 * Short-lived deployments on a shared broker — a test run, a benchmark, a chaos run — each get
 * their own `DEJA_TOPIC_PREFIX`, so parallel runs never consume each other's messages. The prefix
 * carries its start time (`deja-test-20261203085312-a1b2c3.`), so a later run can find and delete
 * the topics of runs that ended without cleaning up (killed, crashed) instead of leaking them
 * without bound.
 */
export function scratchPrefix(kind: string, now = new Date(), random = randomBytes(3).toString('hex')): string {
  if (!/^[a-z][a-z0-9-]*$/.test(kind)) throw new Error(`scratch kind ${JSON.stringify(kind)} must be [a-z][a-z0-9-]*`);
  return `${kind}-${now.toISOString().replace(/\D/g, '').slice(0, 14)}-${random}.`;
}

/** The topics among `topics` of `kind`'s scratch runs that started before `startedBefore`. */
export function staleScratchTopics(topics: readonly string[], kind: string, startedBefore: Date): string[] {
  const pattern = new RegExp(`^${kind}-(\\d{4})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(\\d{2})-[0-9a-f]+\\.`);
  return topics.filter((topic) => {
    const m = pattern.exec(topic);
    if (!m) return false;
    const [, y, mo, d, h, mi, s] = m.map(Number);
    return Date.UTC(y, mo - 1, d, h, mi, s) < startedBefore.getTime();
  });
}

/**
 * Deletes the topics `select` picks from the broker's list (one run's prefix, or the stale runs'
 * from {@link staleScratchTopics}); returns their names.
 */
export async function deleteScratchTopics(kafka: Kafka, select: (topics: string[]) => string[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const doomed = select(await admin.listTopics());
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    return doomed;
  } finally {
    await admin.disconnect();
  }
}
