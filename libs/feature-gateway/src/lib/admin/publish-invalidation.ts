import { TOPICS, type InvalidationV1 } from '@deja/contracts';
import type { TopicPublisher } from '@deja/data-access-kafka';
import { invalidationKey } from '@deja/feature-invalidation';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';

/**
 * Publishes an invalidation command for the invalidation-service to apply (and audit), as the
 * admin API does; a broker that does not take it is a 503 the caller may retry.
 */
export async function publishInvalidation(publisher: TopicPublisher, command: InvalidationV1): Promise<void> {
  try {
    await publisher.publish(TOPICS.invalidations, [{ key: invalidationKey(command), value: command }]);
  } catch (cause) {
    throw new GatewayException(
      GatewayErrorCode.BrokerUnavailable,
      'the retire command was not accepted by the broker; try again',
      { cause, retryAfterSeconds: 2 },
    );
  }
}
