import { KafkaConsumerServer } from '@deja/data-access-kafka';
import { busKafka } from '../lib/bus-kafka';
import type { MessageBus } from '../lib/message-bus';

export interface BusConsumerServerOptions {
  bus: MessageBus;
  groupId: string;
  /** Partitions handled at once across all topics. */
  partitionsConsumedConcurrently?: number;
  onOutcome?: (topic: string, outcome: 'ok' | 'dead_letter' | 'retry') => void;
}

/**
 * The Nest transport of the in-process bus: `@EventPattern('deja.<topic>.v1')` handlers, their
 * messages validated against the contract, retried or dead-lettered — by the very
 * `KafkaConsumerServer` and `ConsumerRunner` the services use, reading from the bus.
 */
export class BusConsumerServer extends KafkaConsumerServer {
  constructor(options: BusConsumerServerOptions) {
    super({
      kafka: busKafka(options.bus),
      groupId: options.groupId,
      ...(options.partitionsConsumedConcurrently !== undefined
        ? { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently }
        : {}),
      ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
    });
  }
}
