import { context, type Context } from '@opentelemetry/api';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { TOPICS, TopicNames, type DeadLetterV1, type TopicContract } from '@deja/contracts';
import { decodeValue, headersToStrings, preserveValue } from './codec';
import { isRetriable, MessageErrorCode, MessageHandlingException } from './kafka.exception';
import type { KafkaLogSink } from './kafka-client';

/** What a handler receives: the validated value plus the raw envelope. */
export interface InboundMessage<V = unknown> {
  /** The physical topic the message was read from (with the deployment's prefix). */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: V;
  headers: Record<string, string>;
  timestamp: string;
}

export type MessageHandler = (message: InboundMessage) => Promise<void>;

export interface ConsumerRunnerOptions {
  /** The logical group id; the consumer joins `names.group(groupId)`. */
  groupId: string;
  /** The deployment's physical topic and group names (default: unprefixed). */
  names?: TopicNames;
  /** Topic contract and its handler. Only contracted topics can be consumed. */
  routes: ReadonlyArray<{ topic: TopicContract; handler: MessageHandler }>;
  /**
   * Where a group that has committed nothing starts: the earliest offset (default: accepted
   * requests must not be lost), or with false only what is produced from now on — for a group
   * that is new on every start, such as a replica's own broadcast group.
   */
  fromBeginning?: boolean;
  /** How many partitions are processed at once. */
  partitionsConsumedConcurrently?: number;
  /** Backoff for retriable failures: the message is retried until it succeeds or is terminal. */
  retry?: { initialMs: number; maxMs: number };
  log: KafkaLogSink;
  /** Hook for metrics: called once per message with its outcome and its logical topic. */
  onOutcome?: (topic: string, outcome: 'ok' | 'dead_letter' | 'retry') => void;
}

/**
 * At-least-once consumption with validation at the edge:
 * - a message that fails its schema (or is not JSON) goes to the dead-letter topic with the
 *   reason, and the consumer goes on;
 * - a retriable failure (database or broker down) is retried with capped exponential backoff and
 *   jitter, never dropped; the partition waits, the offset is not committed;
 * - a terminal failure is dead-lettered with its reason;
 * - the offset is committed only after the handler's effect has resolved.
 */
export class ConsumerRunner {
  private consumer: Consumer | undefined;
  private stopping = false;
  private inFlight = 0;
  private readonly names: TopicNames;
  /** The physical group id: two deployments on one cluster never share a group. */
  readonly groupId: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerRunnerOptions,
  ) {
    this.names = options.names ?? TopicNames.unprefixed;
    this.groupId = this.names.group(options.groupId);
  }

  async start(): Promise<void> {
    const { groupId, names } = this;
    const { routes } = this.options;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await Promise.all([consumer.connect(), producer.connect()]);
    // A new group starts from the earliest offset: requests produced before the first deployment
    // came up were accepted by Kafka and must not be lost.
    const fromBeginning = this.options.fromBeginning ?? true;
    for (const r of routes) await consumer.subscribe({ topic: names.topic(r.topic), fromBeginning });
    const byTopic = new Map(routes.map((r) => [names.topic(r.topic), r]));
    const concurrency = this.options.partitionsConsumedConcurrently ?? 3;
    // kafkajs fetches again only once every message of its last fetch has returned from
    // eachMessage: a handler awaited there held every other partition behind it (one 30 s
    // provider call stopped all misses; each lookup delayed the next request by its own time).
    // So eachMessage only queues the message in its lane and returns. A lane is a partition's
    // messages of one tenant (the `deja-tenant` header the publisher sets): each lane handles its
    // messages in order, one at a time, and tenants take turns for the `concurrency` handler
    // slots, plus one kept for a tenant running none (FairSlots), so one tenant's backlog does not
    // hold another tenant's message behind it. Offsets are committed per partition up to the first message not
    // yet done. At most ACCEPTED_PER_SLOT × `concurrency` messages wait accepted: beyond it
    // eachMessage waits, which holds the fetch loop (back-pressure).
    const accepted = concurrency * ACCEPTED_PER_SLOT;
    this.running = new FairSlots(concurrency);
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachMessage: async (payload) => {
        await this.accepted.acquire(accepted);
        if (this.stopping) {
          // Not handled, not committed: redelivered after the restart.
          this.accepted.release();
          return;
        }
        const offsets = this.partitionOffsets(payload);
        offsets.accept(payload.message.offset);
        const lane = this.lane(payload);
        // The message's trace context (its `process` span, continuing the producer's trace): a
        // lane's drain runs in the context of the message that started it, so without this every
        // later message's handler would be traced as part of another request.
        lane.queue.push({ payload, offsets, traceContext: context.active() });
        void this.drain(lane, consumer, byTopic, producer);
      },
    });
    // After a rebalance kafkajs fetches every assigned partition again from its committed offset:
    // what waits in the lanes would then be handled twice. Drop it (the handler running keeps going).
    // Offsets start again from the committed ones: a handler still running completes against its
    // old bookkeeping, whose dropped messages keep it from committing past them.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const lane of this.lanes.values()) for (const _ of lane.queue.splice(0)) this.accepted.release();
      this.partitions.clear();
    });
    consumer.on(consumer.events.CRASH, (e) =>
      this.options.log('error', `consumer ${groupId} crashed: ${JSON.stringify(e.payload.error?.message)}`),
    );
    this.disconnectProducer = () => producer.disconnect();
  }

  /** Per topic-partition and tenant: accepted messages waiting for their turn, in offset order. */
  private readonly lanes = new Map<string, Lane>();
  /** Per topic-partition: accepted offsets not yet done, so a commit never passes one. */
  private readonly partitions = new Map<string, PartitionOffsets>();
  private readonly accepted = new Slots();
  private running = new FairSlots(1);
  private disconnectProducer: () => Promise<void> = async () => undefined;

  /** Stops fetching, lets in-flight handlers finish (graceful drain), commits, disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + 10000;
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(50);
    await this.consumer?.disconnect();
    await this.disconnectProducer();
  }

  private lane(payload: EachMessagePayload): Lane {
    const tenant = payload.message.headers?.[TENANT_HEADER]?.toString().slice(0, 256) ?? '';
    const key = `${payload.topic}\u0000${payload.partition}\u0000${tenant}`;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { key, tenant, queue: [], draining: false }));
    return lane;
  }

  private partitionOffsets(payload: EachMessagePayload): PartitionOffsets {
    const key = `${payload.topic}\u0000${payload.partition}`;
    let offsets = this.partitions.get(key);
    if (!offsets) this.partitions.set(key, (offsets = new PartitionOffsets()));
    return offsets;
  }

  /** Handles a lane's messages in order until it is empty; one drain per lane at a time. */
  private async drain(
    lane: Lane,
    consumer: Consumer,
    byTopic: Map<string, { topic: TopicContract; handler: MessageHandler }>,
    producer: Producer,
  ): Promise<void> {
    if (lane.draining) return;
    lane.draining = true;
    try {
      for (let next = lane.queue.shift(); next; next = lane.queue.shift()) {
        await this.running.acquire(lane.tenant);
        let handled = false;
        try {
          // Shutting down: what has not started stays uncommitted and is redelivered.
          if (!this.stopping) {
            this.inFlight++;
            handled = await this.handleAndCommit(consumer, next, byTopic.get(next.payload.topic), producer);
            this.inFlight--;
          }
        } finally {
          this.running.release(lane.tenant);
          this.accepted.release();
        }
        if (!handled) {
          // An unhandled message stays outstanding, so no commit passes it; the lane stops, and
          // the restart reads again from the committed offset.
          for (const _ of lane.queue.splice(0)) this.accepted.release();
          return;
        }
      }
    } finally {
      lane.draining = false;
      if (lane.queue.length === 0 && this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key);
    }
  }

  /**
   * Handles one message and commits past it. Resolves false when the message was left for
   * redelivery (shutting down while it was being retried). A failed commit is only logged: the
   * partition was taken by another member (a rebalance), which reads it again from the last
   * commit — a redelivery the idempotent handlers absorb.
   */
  private async handleAndCommit(
    consumer: Consumer,
    { payload, offsets, traceContext }: Accepted,
    route: { topic: TopicContract; handler: MessageHandler } | undefined,
    producer: Producer,
  ): Promise<boolean> {
    const { topic, partition, message } = payload;
    try {
      await context.with(traceContext, () => this.handle(payload, route, producer));
    } catch (error) {
      this.options.log(
        'warn',
        `left ${topic}[${partition}]@${message.offset} for redelivery: ${serialiseError(error)}`,
      );
      return false;
    }
    offsets.done(message.offset);
    await offsets.commit(async (offset) => {
      try {
        await consumer.commitOffsets([{ topic, partition, offset }]);
      } catch (error) {
        this.options.log('warn', `commit of ${topic}[${partition}]@${offset} failed: ${serialiseError(error)}`);
      }
    });
    return true;
  }

  private async handle(
    payload: EachMessagePayload,
    route: { topic: TopicContract; handler: MessageHandler } | undefined,
    producer: Producer,
  ): Promise<void> {
    const { topic, partition, message } = payload;
    const headers = headersToStrings(message.headers);
    const key = message.key?.toString('utf8') ?? null;
    const deadLetter = (error: MessageHandlingException) =>
      this.deadLetter(producer, payload, { key, headers }, route?.topic.name ?? topic, error);
    if (!route) {
      await deadLetter(
        new MessageHandlingException(MessageErrorCode.UnknownTopic, `no handler for topic ${topic}`, false),
      );
      return;
    }
    let value: unknown;
    try {
      value = decodeValue(route.topic.value, message.value);
    } catch (error) {
      await deadLetter(error as MessageHandlingException);
      return;
    }

    const retry = this.options.retry ?? { initialMs: 200, maxMs: 30000 };
    // A handler may take longer than the session timeout (a slow provider call with retries):
    // keep the membership alive meanwhile, or the group rebalances and the message is redelivered.
    const heartbeat = setInterval(() => void payload.heartbeat().catch(() => undefined), HEARTBEAT_MS);
    try {
      const inbound = { topic, partition, offset: message.offset, key, headers, timestamp: message.timestamp, value };
      await this.attempt(route, inbound, retry, deadLetter, partition, message.offset);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Sends a message to the dead-letter topic with its reason and where it sits. */
  private async deadLetter(
    producer: Producer,
    { topic, partition, message }: EachMessagePayload,
    { key, headers }: { key: string | null; headers: Record<string, string> },
    logicalTopic: string,
    error: MessageHandlingException,
  ): Promise<void> {
    const deadLetterTopic = this.names.topic(TOPICS.deadLetter);
    const record: DeadLetterV1 = {
      // The physical topic (and group): where the message sits, so it can be found and replayed.
      source_topic: topic,
      partition,
      offset: message.offset,
      key,
      ...preserveValue(message.value),
      headers,
      reason: { code: error.code, message: error.message, issues: [...error.issues] },
      consumer_group: this.groupId,
      failed_at: new Date().toISOString(),
    };
    try {
      await producer.send({ topic: deadLetterTopic, messages: [{ key, value: JSON.stringify(record) }] });
    } catch (sendError) {
      if (isRetriable(sendError)) throw sendError;
      // Still refused (e.g. headers too large): keep the reason and where the message sits.
      const minimal: DeadLetterV1 = { ...record, value: null, value_truncated: true, headers: {} };
      await producer.send({
        topic: deadLetterTopic,
        messages: [{ key: key?.slice(0, 1000) ?? null, value: JSON.stringify(minimal) }],
      });
    }
    this.options.log('warn', `dead-lettered ${topic}[${partition}]@${message.offset}: ${error.code} ${error.message}`);
    this.options.onOutcome?.(logicalTopic, 'dead_letter');
  }

  private async attempt(
    route: { topic: TopicContract; handler: MessageHandler },
    inbound: InboundMessage,
    retry: { initialMs: number; maxMs: number },
    deadLetter: (error: MessageHandlingException) => Promise<void>,
    partition: number,
    offset: string,
  ): Promise<void> {
    const { topic } = inbound;
    for (let attempt = 0; ; attempt++) {
      try {
        await route.handler(inbound);
        this.options.onOutcome?.(route.topic.name, 'ok');
        return;
      } catch (error) {
        if (!isRetriable(error)) {
          const terminal =
            error instanceof MessageHandlingException
              ? error
              : new MessageHandlingException(MessageErrorCode.Rejected, serialiseError(error), false);
          await deadLetter(terminal);
          return;
        }
        if (this.stopping) throw error; // not committed: redelivered after restart
        const delay = Math.min(retry.maxMs, retry.initialMs * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.options.log(
          'warn',
          `retrying ${topic}[${partition}]@${offset} in ${Math.round(delay)} ms (attempt ${attempt + 1}): ${serialiseError(error)}`,
        );
        this.options.onOutcome?.(route.topic.name, 'retry');
        await sleep(delay);
      }
    }
  }
}

const HEARTBEAT_MS = 3000;
/**
 * Messages accepted ahead of the handlers, per allowed concurrent handler: the look-ahead within
 * which another tenant's message can be reached past one tenant's backlog (the gateway's queue
 * limit keeps that backlog to a few megabytes).
 */
const ACCEPTED_PER_SLOT = 16;

/** The header naming a message's tenant (set by TopicPublisher): the unit of fairness. */
export const TENANT_HEADER = 'deja-tenant';

interface Accepted {
  payload: EachMessagePayload;
  offsets: PartitionOffsets;
  traceContext: Context;
}

interface Lane {
  key: string;
  tenant: string;
  queue: Accepted[];
  draining: boolean;
}

/**
 * One partition's accepted offsets not yet done. Lanes of different tenants finish out of order,
 * so the offset committed is the first one not done (everything before it is), never beyond;
 * commits go out one at a time, in order, so a slow commit cannot land after a later one.
 */
export class PartitionOffsets {
  private readonly outstanding = new Set<bigint>();
  private highest = -1n;
  private committed = -1n;
  private chain: Promise<void> = Promise.resolve();

  accept(offset: string): void {
    const o = BigInt(offset);
    this.outstanding.add(o);
    if (o > this.highest) this.highest = o;
  }

  done(offset: string): void {
    this.outstanding.delete(BigInt(offset));
  }

  /** The offset to commit: the first not done, or one past the highest accepted. */
  next(): bigint {
    let first = this.highest + 1n;
    for (const o of this.outstanding) if (o < first) first = o;
    return first;
  }

  /** Commits `next()` through `send` if it moved forward; serialised, never throws. */
  commit(send: (offset: string) => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      const target = this.next();
      if (target <= this.committed) return;
      this.committed = target;
      await send(target.toString()).catch(() => undefined);
    });
    return this.chain;
  }
}

/**
 * The handler slots, shared fairly between tenants. `limit` slots serve any tenant, plus one that
 * only a tenant holding none may take: a tenant whose backlog fills every slot (each handler
 * taking seconds) cannot make another tenant's message wait for one of them to finish, and a
 * deployment with one tenant runs exactly `limit` at once as before. A freed slot goes to the
 * tenant that has waited longest among those that may take it, then that tenant moves to the
 * back of the line: a tenant with a lane on every partition gets one turn per round, like a
 * tenant with one message.
 */
export class FairSlots {
  private used = 0;
  private readonly held = new Map<string, number>();
  /** Waiting lanes by tenant; Map order is the round: the first tenant is served next. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limit: number) {}

  async acquire(tenant: string): Promise<void> {
    await new Promise<void>((wake) => {
      const queue = this.waiting.get(tenant);
      if (queue) queue.push(wake);
      else this.waiting.set(tenant, [wake]);
      this.dispatch();
    });
  }

  release(tenant: string): void {
    this.used--;
    const n = (this.held.get(tenant) ?? 1) - 1;
    if (n > 0) this.held.set(tenant, n);
    else this.held.delete(tenant);
    this.dispatch();
  }

  /** Hands free slots to waiting tenants, in round order, while any may take one. */
  private dispatch(): void {
    for (let served = true; served;) {
      served = false;
      for (const [tenant, queue] of this.waiting) {
        const holds = this.held.get(tenant) ?? 0;
        if (this.used >= this.limit + 1 || holds >= this.limit || (holds > 0 && this.used >= this.limit)) continue;
        const wake = queue.shift();
        this.waiting.delete(tenant);
        if (!wake) continue;
        if (queue.length > 0) this.waiting.set(tenant, queue);
        this.used++;
        this.held.set(tenant, holds + 1);
        wake();
        served = true;
        break;
      }
    }
  }
}

/**
 * A counting limit; a freed slot is handed to the longest waiter (not taken back by whoever
 * freed it and asks again at once).
 */
class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  async acquire(limit: number): Promise<void> {
    if (this.used < limit && this.waiting.length === 0) {
      this.used++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Errors are serialised explicitly: JSON.stringify(error) gives `{}`. */
export function serialiseError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
