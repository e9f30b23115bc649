import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MISSES_V1, TOPICS, type MissV1 } from '@deja/contracts';
import { TopicPublisher, type InboundMessage } from '@deja/data-access-kafka';
import { LiveChunks } from './live-chunks';
import { LlmWorker } from './llm-worker';

/**
 * deja.misses.v1 → provider → deja.completions.v1, under the same key. A miss whose caller
 * streams is streamed from the provider, its text published to deja.chunks.v1 (key = request id)
 * as it is generated.
 */
@Controller()
export class MissesHandler {
  private readonly logger = new Logger(MissesHandler.name);

  constructor(
    private readonly worker: LlmWorker,
    private readonly publisher: TopicPublisher,
  ) {}

  /**
   * Resolves only once the completion is on the wire, so the miss's offset is committed after
   * it; a failed publish is retried by the consumer (and the coalescing window spares the
   * provider a second call for the redelivered miss).
   */
  @EventPattern(MISSES_V1)
  async onMiss(@Payload() message: InboundMessage<MissV1>): Promise<void> {
    const miss = message.value;
    const live = miss.stream ? this.liveChunks(miss) : undefined;
    const completion = await this.worker.complete(miss, message.key, live);
    // Chunks first: the gateway then usually has the whole live text before the final answer.
    await live?.drain();
    const replyTo = message.headers['reply-to'];
    await this.publisher.publish(TOPICS.completions, [
      {
        key: message.key ?? `${miss.lookup.scope_hash}:${miss.lookup.query_hash}`,
        value: completion,
        ...(replyTo ? { headers: { 'reply-to': replyTo } } : {}),
      },
    ]);
  }

  private liveChunks(miss: MissV1): LiveChunks {
    return new LiveChunks(
      { request_id: miss.request_id, tenant: miss.tenant, outcome: miss.lookup.outcome },
      (chunks) =>
        this.publisher.publish(
          TOPICS.chunks,
          chunks.map((c) => ({ key: c.request_id, value: c })),
        ),
      (error) =>
        this.logger.warn(
          `request ${miss.request_id}: live chunks stopped (the caller gets the finished answer): ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
  }
}
