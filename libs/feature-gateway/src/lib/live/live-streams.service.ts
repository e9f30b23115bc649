import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TopicNames, TOPICS, type ChunkV1 } from '@deja/contracts';
import { ConsumerRunner, KAFKA, type InboundMessage } from '@deja/data-access-kafka';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';

type ChunkListener = (chunk: ChunkV1) => void;

/**
 * Hands `deja.chunks.v1` to the requests streaming on this replica.
 *
 * Every replica reads every chunk, in a consumer group of its own (`liveChunksGroupId`), from the
 * moment it starts. Why a broadcast and not the jobs' Postgres NOTIFY: the replica holding a
 * caller's stream is not the one the shared results group would pick, and a NOTIFY per chunk would
 * put every token of every stream through one Postgres lock (and its 8 kB payload limit); chunks
 * are small, so each replica skipping the chunks of other replicas' streams costs less. Chunks are
 * validated at consume like every topic (a bad one is dead-lettered, by each replica).
 *
 * Offsets of this group matter little: a chunk that arrives for no listener is dropped, and a
 * stream missing chunks falls back to the finished answer (see `LiveRelay`).
 */
@Injectable()
export class LiveStreams implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveStreams.name);
  private readonly listeners = new Map<string, { tenant: string; listener: ChunkListener }>();
  private runner: ConsumerRunner | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly names: TopicNames,
  ) {}

  /** Whether this replica relays chunks (without a group, every stream is a replay of the finished answer). */
  get enabled(): boolean {
    return this.options.liveChunksGroupId !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const groupId = this.options.liveChunksGroupId;
    if (groupId === undefined) return;
    // Its own runner, not the app's Nest transport: that one consumes in the group all replicas share.
    this.runner = new ConsumerRunner(this.kafka, {
      groupId,
      names: this.names,
      fromBeginning: false,
      routes: [{ topic: TOPICS.chunks, handler: async (m) => this.deliver((m as InboundMessage<ChunkV1>).value) }],
      partitionsConsumedConcurrently: TOPICS.chunks.partitions,
      log: (level, msg) => this.logger[level](msg),
    });
    await this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }

  /** Calls `listener` with each chunk of the request until the returned function is called. */
  listen(requestId: string, tenant: string, listener: ChunkListener): () => void {
    const entry = { tenant, listener };
    this.listeners.set(requestId, entry);
    return () => {
      if (this.listeners.get(requestId) === entry) this.listeners.delete(requestId);
    };
  }

  /** Passes a chunk to its request's listener on this replica, if there is one. */
  deliver(chunk: ChunkV1): void {
    const entry = this.listeners.get(chunk.request_id);
    if (!entry) return;
    if (entry.tenant !== chunk.tenant) {
      this.logger.warn(`chunk of request ${chunk.request_id} names tenant ${chunk.tenant}, not the request's: dropped`);
      return;
    }
    entry.listener(chunk);
  }
}
