import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DOC_CHANGES_V1, INVALIDATIONS_V1, type DocChangeV1, type InvalidationV1 } from '@deja/contracts';
import type { InboundMessage } from '@deja/data-access-kafka';
import { InvalidationException, Invalidator, toMessageError } from '@deja/feature-invalidation';

/**
 * STOPGAP copy of apps/invalidation-service/src/invalidation.handler.ts (apps may not import
 * apps): delete it once the handler moves into @deja/feature-invalidation.
 *
 * Business errors become terminal dead letters; database errors propagate and are retried.
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
    throw error instanceof InvalidationException ? toMessageError(error) : error;
  }
}
