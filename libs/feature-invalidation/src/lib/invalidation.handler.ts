import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DOC_CHANGES_V1, INVALIDATIONS_V1, type DocChangeV1, type InvalidationV1 } from '@deja/contracts';
import { MessageHandlingException, type InboundMessage } from '@deja/data-access-kafka';
import { classifyPostgresError } from '@deja/data-access-postgres';
import { InvalidationException, toMessageError } from './invalidation.exception';
import { Invalidator } from './invalidator';

/**
 * Kafka handlers of the invalidation use cases, for any app that consumes these topics (the
 * invalidation-service, the embedded mode): list it in the app's `controllers` beside
 * `InvalidationModule`. Values arrive validated against their contracts (the runner dead-letters what
 * fails). Business errors become terminal dead letters; connection errors propagate and are
 * retried, and so are deadlocks and serialisation failures (the transaction rolled back whole).
 */
@Controller()
export class InvalidationHandler {
  constructor(private readonly invalidator: Invalidator) {}

  @EventPattern(DOC_CHANGES_V1)
  async docChanged(@Payload() message: InboundMessage<DocChangeV1>): Promise<void> {
    await mapped(() => this.invalidator.applyDocChange(message.value));
  }

  @EventPattern(INVALIDATIONS_V1)
  async invalidate(@Payload() message: InboundMessage<InvalidationV1>): Promise<void> {
    await mapped(() => this.invalidator.applyCommand(message.value));
  }
}

async function mapped(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof InvalidationException) throw toMessageError(error);
    // A deadlock (two purges locking overlapping entries in different orders), a serialisation
    // failure or a lock timeout: the transaction runs again; the runner would dead-letter it.
    if (classifyPostgresError(error) === 'transient')
      throw MessageHandlingException.transient(`transaction rolled back, retrying: ${(error as Error).message}`, error);
    throw error;
  }
}
