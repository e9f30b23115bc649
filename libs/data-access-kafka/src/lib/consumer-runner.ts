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
    // So eachMessage only queues the message in its partition's lane and returns; each lane
    // handles its messages in order, one at a time, and commits each itself. At most
    // `concurrency` handlers run at once, and at most ACCEPTED_PER_SLOT × that many messages wait
    // accepted: beyond it eachMessage waits, which holds the fetch loop (back-pressure).
    const accepted = concurrency * ACCEPTED_PER_SLOT;
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
        const lane = this.lane(payload);
        this.traceContexts.set(payload, context.active());
        lane.queue.push(payload);
        void this.drain(lane, concurrency, consumer, byTopic, producer);
      },
    });
    // After a rebalance kafkajs fetches every assigned partition again from its committed offset:
    // what waits in the lanes would then be handled twice. Drop it (the handler running keeps going).
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const lane of this.lanes.values()) for (const _ of lane.queue.splice(0)) this.accepted.release();
    });
    consumer.on(consumer.events.CRASH, (e) =>
      this.options.log('error', `consumer ${groupId} crashed: ${JSON.stringify(e.payload.error?.message)}`),
    );
    this.disconnectProducer = () => producer.disconnect();
  }

  /** Per topic-partition: accepted messages waiting for their turn, in offset order. */
  private readonly lanes = new Map<string, Lane>();
  private readonly accepted = new Slots();
  /**
   * Each accepted message's trace context (its `process` span, continuing the producer's trace).
   * A lane's drain runs in the context of the message that started it, so without this every
   * later message's handler would be traced as part of another request.
   */
  private readonly traceContexts = new WeakMap<EachMessagePayload, Context>();
  private readonly running = new Slots();
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
    const key = `${payload.topic}\u0000${payload.partition}`;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { queue: [], draining: false }));
    return lane;
  }

  /** Handles a lane's messages in order until it is empty; one drain per lane at a time. */
  private async drain(
    lane: Lane,
    concurrency: number,
    consumer: Consumer,
    byTopic: Map<string, { topic: TopicContract; handler: MessageHandler }>,
    producer: Producer,
  ): Promise<void> {
    if (lane.draining) return;
    lane.draining = true;
    try {
      for (let next = lane.queue.shift(); next; next = lane.queue.shift()) {
        await this.running.acquire(concurrency);
        let handled = false;
        try {
          // Shutting down: what has not started stays uncommitted and is redelivered.
          if (!this.stopping) {
            this.inFlight++;
            handled = await this.handleAndCommit(consumer, next, byTopic.get(next.topic), producer);
            this.inFlight--;
          }
        } finally {
          this.running.release();
          this.accepted.release();
        }
        if (!handled) {
          // Nothing after an unhandled message may be committed (that would skip it): the lane
          // stops, and the restart reads again from the committed offset.
          for (const _ of lane.queue.splice(0)) this.accepted.release();
          return;
        }
      }
    } finally {
      lane.draining = false;
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
    payload: EachMessagePayload,
    route: { topic: TopicContract; handler: MessageHandler } | undefined,
    producer: Producer,
  ): Promise<boolean> {
    const { topic, partition, message } = payload;
    try {
      const traced = this.traceContexts.get(payload) ?? context.active();
      await context.with(traced, () => this.handle(payload, route, producer));
    } catch (error) {
      this.options.log(
        'warn',
        `left ${topic}[${partition}]@${message.offset} for redelivery: ${serialiseError(error)}`,
      );
      return false;
    }
    try {
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    } catch (error) {
      this.options.log('warn', `commit of ${topic}[${partition}]@${message.offset} failed: ${serialiseError(error)}`);
    }
    return true;
  }

  private async handle(
    payload: EachMessagePayload,
    route: { topic: TopicContract; handler: MessageHandler } | undefined,
    producer: Producer,
  ): Promise<void> {
    const { topic, partition, message } = payload;
    const headers = headersToStrings(message.headers);
    const base = {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString('utf8') ?? null,
      headers,
      timestamp: message.timestamp,
    };
    const deadLetterTopic = this.names.topic(TOPICS.deadLetter);
    const deadLetter = async (error: MessageHandlingException) => {
      const record: DeadLetterV1 = {
        // The physical topic (and group): where the message sits, so it can be found and replayed.
        source_topic: topic,
        partition,
        offset: message.offset,
        key: base.key,
        ...preserveValue(message.value),
        headers,
        reason: { code: error.code, message: error.message, issues: [...error.issues] },
        consumer_group: this.groupId,
        failed_at: new Date().toISOString(),
      };
      try {
        await producer.send({ topic: deadLetterTopic, messages: [{ key: base.key, value: JSON.stringify(record) }] });
      } catch (sendError) {
        if (isRetriable(sendError)) throw sendError;
        // Still refused (e.g. headers too large): keep the reason and where the message sits.
        const minimal: DeadLetterV1 = { ...record, value: null, value_truncated: true, headers: {} };
        await producer.send({
          topic: deadLetterTopic,
          messages: [{ key: base.key?.slice(0, 1000) ?? null, value: JSON.stringify(minimal) }],
        });
      }
      this.options.log(
        'warn',
        `dead-lettered ${topic}[${partition}]@${message.offset}: ${error.code} ${error.message}`,
      );
      this.options.onOutcome?.(route?.topic.name ?? topic, 'dead_letter');
    };

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
      await this.attempt(route, { ...base, value }, retry, deadLetter, partition, message.offset);
    } finally {
      clearInterval(heartbeat);
    }
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
/** Messages accepted ahead of the handlers, per allowed concurrent handler. */
const ACCEPTED_PER_SLOT = 4;

interface Lane {
  queue: EachMessagePayload[];
  draining: boolean;
}

/** A counting limit on handlers in flight; waiters are served in arrival order. */
class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  async acquire(limit: number): Promise<void> {
    while (this.used >= limit) await new Promise<void>((r) => this.waiting.push(r));
    this.used++;
  }

  release(): void {
    this.used--;
    this.waiting.shift()?.();
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
