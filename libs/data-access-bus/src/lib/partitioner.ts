import { contractFor } from '@deja/contracts';

/**
 * The partition a key lands on: a stable FNV-1a hash of the key's UTF-8 bytes, so one key always
 * maps to one partition and its messages are handled in the order they were published. Messages
 * without a key go to partition 0.
 */
export function partitionFor(key: string | null, partitions: number): number {
  if (key === null || partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/** Partitions of a topic: its contract's count, 1 for topics outside the contracts (reply topics). */
export function partitionsOf(topic: string): number {
  return contractFor(topic)?.partitions ?? 1;
}
