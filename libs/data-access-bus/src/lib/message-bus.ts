import { EventEmitter } from 'node:events';
import { serialiseError, type KafkaLogSink } from '@deja/data-access-kafka';
import type { BusStore, StoredMessage } from './bus-store';
import { partitionFor, partitionsOf } from './partitioner';

export interface BusOptions {
  /** Messages fetched from the store per round trip. */
  fetchBatch?: number;
  /** Idle partitions look at the store this often even without a wake-up (a safety net). */
  pollIntervalMs?: number;
  /** Backoff when the store fails (database busy or closing): the partition waits and re-reads. */
  storeRetry?: { initialMs: number; maxMs: number };
  /** How long `stop()` waits for in-flight handlers before giving up on them (they are redelivered). */
  drainTimeoutMs?: number;
  log?: KafkaLogSink;
}

export interface PublishRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface SubscriptionOptions {
  groupId: string;
  topics: readonly string[];
  /** Partitions handled at once; each partition is always handled one message at a time. */
  concurrency: number;
  /**
   * Kafka's `autoCommit: false`: the bus does not commit when `eachMessage` returns; the consumer
   * commits with `BusSubscription.commit` once it has handled the message.
   */
  manualCommit?: boolean;
  eachMessage: (message: StoredMessage) => Promise<void>;
}

/**
 * An in-process message bus with Kafka's delivery guarantees, over a durable {@link BusStore}:
 * - a key always maps to one partition of its topic (the contract's partition count), and a
 *   partition is handled one message at a time, so messages of a key are handled in order; other
 *   partitions run in parallel, up to the subscription's concurrency;
 * - a message is accepted once the store has it, and handed to each consumer group until the
 *   group commits past it — the commit follows the handler's success, so a crash in between
 *   means redelivery (at least once), never loss.
 * Validation, retries and dead letters are the consumer's job: the Kafka consumer runner does
 * them unchanged on top of this bus (see `busKafka`).
 */
export class MessageBus {
  private readonly wakeups = new EventEmitter();
  private readonly versions = new Map<string, number>();
  private readonly subscriptions = new Set<BusSubscription>();
  private readonly options: Required<Omit<BusOptions, 'log'>> & { log: KafkaLogSink };

  constructor(
    private readonly store: BusStore,
    options: BusOptions = {},
  ) {
    this.wakeups.setMaxListeners(0);
    this.options = {
      fetchBatch: options.fetchBatch ?? 50,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      storeRetry: options.storeRetry ?? { initialMs: 100, maxMs: 5000 },
      drainTimeoutMs: options.drainTimeoutMs ?? 10000,
      log: options.log ?? (() => undefined),
    };
  }

  async init(): Promise<void> {
    await this.store.init();
  }

  /** Appends to the topic's partitions by key; resolves once the messages are durable. */
  async publish(topic: string, records: readonly PublishRecord[]): Promise<StoredMessage[]> {
    const partitions = partitionsOf(topic);
    const stored = await this.store.append(
      topic,
      records.map((r) => ({ ...r, partition: partitionFor(r.key, partitions) })),
    );
    for (const partition of new Set(stored.map((m) => m.partition))) {
      const id = slot(topic, partition);
      this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
      this.wakeups.emit(id);
    }
    return stored;
  }

  /** Starts handing the topics' messages to `eachMessage`, from the group's committed offsets. */
  subscribe(options: SubscriptionOptions): BusSubscription {
    const subscription = new BusSubscription(this, this.store, options, this.options, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  /** Deletes consumed messages older than `olderThanMs` (every reading group committed them). */
  prune(olderThanMs: number): Promise<number> {
    return this.store.prune(olderThanMs);
  }

  /** Per partition: messages kept and how many of them the group has committed (for lag). */
  progress(groupId: string, topic: string): Promise<Array<{ partition: number; kept: number; committed: number }>> {
    return this.store.progress(groupId, topic);
  }

  /** Stops every subscription, letting in-flight handlers finish. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }

  /** @internal A counter bumped on each publish to a partition, to spot one racing an empty fetch. */
  version(topic: string, partition: number): number {
    return this.versions.get(slot(topic, partition)) ?? 0;
  }

  /** @internal Resolves on the next publish to the partition, after `ms`, or when `abort` fires. */
  waitForPublish(topic: string, partition: number, ms: number, abort: EventEmitter): Promise<void> {
    const id = slot(topic, partition);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeups.off(id, done);
        abort.off('stop', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeups.once(id, done);
      abort.once('stop', done);
    });
  }
}

/** One consumer group's reading of some topics: a loop per partition, sharing a concurrency limit. */
export class BusSubscription {
  private stopped = false;
  private readonly stopSignal = new EventEmitter();
  private readonly loops: Promise<void>[] = [];
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly store: BusStore,
    private readonly options: SubscriptionOptions,
    private readonly config: Required<Omit<BusOptions, 'log'>> & { log: KafkaLogSink },
    private readonly onStopped: () => void,
  ) {
    this.stopSignal.setMaxListeners(0);
  }

  start(): void {
    for (const topic of new Set(this.options.topics)) {
      for (let partition = 0; partition < partitionsOf(topic); partition++) this.loops.push(this.run(topic, partition));
    }
  }

  /** Stops fetching; waits for in-flight handlers (up to the drain timeout). Uncommitted messages are redelivered on the next start. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.stopSignal.emit('stop');
      for (const w of this.waiting.splice(0)) w();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.loops),
      new Promise((r) => (timer = setTimeout(r, this.config.drainTimeoutMs))),
    ]);
    clearTimeout(timer);
    this.onStopped();
  }

  private async run(topic: string, partition: number): Promise<void> {
    const { groupId } = this.options;
    let position: string | null | undefined;
    let failures = 0;
    while (!this.stopped) {
      try {
        position ??= await this.store.committed(groupId, topic, partition);
        const seen = this.bus.version(topic, partition);
        const batch = await this.store.fetch(topic, partition, position, this.config.fetchBatch);
        failures = 0;
        if (batch.length === 0) {
          if (this.bus.version(topic, partition) === seen)
            await this.bus.waitForPublish(topic, partition, this.config.pollIntervalMs, this.stopSignal);
          continue;
        }
        for (const message of batch) {
          if (this.stopped) return;
          await this.handle(message);
          if (!this.options.manualCommit) await this.store.commit(groupId, topic, partition, message.offset);
          position = message.offset;
        }
      } catch (error) {
        if (this.stopped) return;
        // Not committed: re-read from the committed offset after a pause (redelivery).
        position = undefined;
        const delay = Math.min(this.config.storeRetry.maxMs, this.config.storeRetry.initialMs * 2 ** failures++);
        this.config.log(
          'warn',
          `bus ${groupId} ${topic}[${partition}]: ${serialiseError(error)}; re-reading from the committed offset in ${delay} ms`,
        );
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, delay);
          this.stopSignal.once('stop', done);
          function done() {
            clearTimeout(t);
            resolve();
          }
        });
      }
    }
  }

  /** The consumer's commit when it commits itself: `offset` is the last message it handled. */
  async commit(topic: string, partition: number, offset: string): Promise<void> {
    await this.store.commit(this.options.groupId, topic, partition, offset);
  }

  /** Runs the handler inside the concurrency limit shared by the subscription's partitions. */
  private async handle(message: StoredMessage): Promise<void> {
    while (this.active >= this.options.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    if (this.stopped) throw new Error('stopping');
    this.active++;
    try {
      await this.options.eachMessage(message);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

function slot(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}
