import type { Kafka } from 'kafkajs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until a consumer group (physical id) is stable with `members` members that all have
 * partitions: messages produced after that reach it.
 */
export async function waitForGroup(kafka: Kafka, groupId: string, members = 1, timeoutMs = 60000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { groups } = await admin.describeGroups([groupId]);
      const g = groups[0];
      if (
        g?.state === 'Stable' &&
        g.members.length === members &&
        g.members.every((m) => m.memberAssignment.length > 0)
      )
        break;
      if (Date.now() > deadline)
        throw new Error(
          `consumer group ${groupId} not stable with ${members} members (state ${g?.state}, ${g?.members.length} members)`,
        );
      await sleep(300);
    }
  } finally {
    await admin.disconnect();
  }
  // A fresh group's offsets resolve to "latest" when fetching starts, just after the join.
  await sleep(1500);
}
