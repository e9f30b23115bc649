import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { TopicNames } from '@deja/contracts';
import { ensureTopics } from './kafka-client';

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

/**
 * Opens a scratch run: deletes the topics of `kind`'s runs that started more than `staleAfterMs`
 * ago (killed runs that never cleaned up), then creates this run's topics under its prefix.
 * Returns how many stale topics were deleted.
 */
export async function openScratchRun(
  kafka: Kafka,
  names: TopicNames,
  kind: string,
  staleAfterMs: number,
): Promise<number> {
  const stale = await deleteScratchTopics(kafka, (topics) =>
    staleScratchTopics(topics, kind, new Date(Date.now() - staleAfterMs)),
  );
  await ensureTopics(kafka, names);
  return stale.length;
}

/** Closes a scratch run: deletes the topics under its prefix. */
export async function closeScratchRun(kafka: Kafka, names: TopicNames): Promise<void> {
  await deleteScratchTopics(kafka, (topics) => topics.filter((t) => t.startsWith(names.prefix)));
}

/**
 * Commits the topics' current end offsets for a consumer group that does not run yet (physical
 * names). Deja's consumers start from the beginning of topics their group has no offsets for; a
 * short-lived group (a test's service, a benchmark's follower) must see only what comes after it
 * starts. Committed rather than `fromBeginning: false`, whose "latest" is fixed only at the
 * group's first fetch, so a record arriving before then would be skipped.
 */
export async function startGroupAtEnd(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
