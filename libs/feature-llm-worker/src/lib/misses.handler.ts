import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MISSES_V1, TOPICS, type MissV1 } from '@deja/contracts';
import { TopicPublisher, type InboundMessage } from '@deja/data-access-kafka';
import { LlmWorker } from './llm-worker';

/** deja.misses.v1 → provider → deja.completions.v1, under the same key. */
@Controller()
export class MissesHandler {
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
    const completion = await this.worker.complete(miss, message.key);
    const replyTo = message.headers['reply-to'];
    await this.publisher.publish(TOPICS.completions, [
      {
        key: message.key ?? `${miss.lookup.scope_hash}:${miss.lookup.query_hash}`,
        value: completion,
        ...(replyTo ? { headers: { 'reply-to': replyTo } } : {}),
      },
    ]);
  }
}
