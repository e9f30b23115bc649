import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { COMPLETIONS_V1, REQUESTS_V1, ResultV1, TOPICS, type CompletionV1, type RequestV1 } from '@deja/contracts';
import { TopicPublisher, type InboundMessage } from '@deja/data-access-kafka';
import { SemanticCache } from './semantic-cache';

/**
 * Kafka edge of the semantic cache: requests in → hit (result) or miss (llm-worker);
 * completions in → store → result. Each publish is awaited, so the offset is committed only
 * once the effect is on the wire.
 */
@Controller()
export class CacheHandler {
  private readonly logger = new Logger(CacheHandler.name);

  constructor(
    private readonly cache: SemanticCache,
    private readonly publisher: TopicPublisher,
  ) {}

  @EventPattern(REQUESTS_V1)
  async onRequest(@Payload() message: InboundMessage<RequestV1>): Promise<void> {
    const replyTo = message.value.reply_to ?? message.headers['reply-to'];
    const request: RequestV1 = replyTo ? { ...message.value, reply_to: replyTo } : message.value;
    const outcome = await this.cache.lookup(request, `${message.topic}:${message.partition}:${message.offset}`);
    switch (outcome.kind) {
      case 'duplicate':
        this.logger.warn(`request ${request.request_id} of tenant ${request.tenant} was answered before: dropped`);
        return;
      case 'hit':
      case 'failed':
        await this.publishResult(outcome.result, request.reply_to);
        return;
      case 'miss':
        await this.publisher.publish(TOPICS.misses, [{ key: outcome.key, value: outcome.miss }]);
        return;
    }
  }

  @EventPattern(COMPLETIONS_V1)
  async onCompletion(@Payload() message: InboundMessage<CompletionV1>): Promise<void> {
    const result = await this.cache.complete(message.value);
    await this.publishResult(result, message.value.reply_to);
  }

  /**
   * Results go to deja.results.v1 (the deployment's, prefixed), or to the reply topic a batch
   * producer named: a physical name, used as given.
   */
  private async publishResult(result: ResultV1, replyTo: string | undefined): Promise<void> {
    if (!replyTo || replyTo === this.publisher.names.topic(TOPICS.results)) {
      await this.publisher.publish(TOPICS.results, [{ key: result.request_id, value: result }]);
      return;
    }
    const value = ResultV1.parse(result);
    await this.publisher.publishRaw(replyTo, [{ key: result.request_id, value: JSON.stringify(value) }]);
  }
}
