/** One persisted message. `offset` is unique and increasing within its topic-partition. */
export interface StoredMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, as a string (the kafkajs convention). */
  timestamp: string;
}

export interface AppendRecord {
  partition: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Where the bus keeps accepted messages and each consumer group's committed offsets. A message
 * is accepted once `append` resolves; it is handed to a group until that group commits past it.
 */
export interface BusStore {
  init(): Promise<void>;
  /** Appends atomically, in order; resolves with the stored messages (offsets assigned). */
  append(topic: string, records: readonly AppendRecord[]): Promise<StoredMessage[]>;
  /** The group's committed offset on a partition, or null when it has committed nothing yet. */
  committed(groupId: string, topic: string, partition: number): Promise<string | null>;
  /** Up to `limit` messages after `after` (exclusive; null: from the beginning), oldest first. */
  fetch(topic: string, partition: number, after: string | null, limit: number): Promise<StoredMessage[]>;
  commit(groupId: string, topic: string, partition: number, offset: string): Promise<void>;
  /** Deletes messages older than `olderThanMs` that every group reading their partition has committed. */
  prune(olderThanMs: number): Promise<number>;
  /** Per partition of a topic: messages kept, and how many of them the group has committed. */
  progress(groupId: string, topic: string): Promise<Array<{ partition: number; kept: number; committed: number }>>;
}

/**
 * A store in memory, for unit tests: a "crash" is simulated by dropping the bus and building a
 * new one over the same store, exactly as a restart reopens the database.
 */
export class MemoryBusStore implements BusStore {
  private nextOffset = 1;
  private readonly messages: StoredMessage[] = [];
  private readonly offsets = new Map<string, string>();

  async init(): Promise<void> {
    return;
  }

  async append(topic: string, records: readonly AppendRecord[]): Promise<StoredMessage[]> {
    const stored = records.map((r) => ({
      topic,
      ...r,
      offset: String(this.nextOffset++),
      timestamp: String(Date.now()),
    }));
    this.messages.push(...stored);
    return stored;
  }

  async committed(groupId: string, topic: string, partition: number): Promise<string | null> {
    return this.offsets.get(`${groupId}\0${topic}\0${partition}`) ?? null;
  }

  async fetch(topic: string, partition: number, after: string | null, limit: number): Promise<StoredMessage[]> {
    const from = after === null ? 0 : Number(after);
    return this.messages
      .filter((m) => m.topic === topic && m.partition === partition && Number(m.offset) > from)
      .slice(0, limit);
  }

  async commit(groupId: string, topic: string, partition: number, offset: string): Promise<void> {
    this.offsets.set(`${groupId}\0${topic}\0${partition}`, offset);
  }

  async prune(): Promise<number> {
    return 0;
  }

  async progress(
    groupId: string,
    topic: string,
  ): Promise<Array<{ partition: number; kept: number; committed: number }>> {
    const out = new Map<number, { partition: number; kept: number; committed: number }>();
    for (const m of this.all(topic)) {
      const p = out.get(m.partition) ?? { partition: m.partition, kept: 0, committed: 0 };
      const done = this.offsets.get(`${groupId}\0${topic}\0${m.partition}`);
      p.kept++;
      if (done !== undefined && Number(m.offset) <= Number(done)) p.committed++;
      out.set(m.partition, p);
    }
    return [...out.values()];
  }

  /** Every message of a topic, for assertions. */
  all(topic: string): StoredMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }
}
