import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { lastValueFrom, isObservable } from 'rxjs';
import { contractFor, type TopicNames } from '@deja/contracts';
import { ConsumerRunner, type InboundMessage } from '../lib/consumer-runner';
import { MessageErrorCode, MessageHandlingException } from '../lib/kafka.exception';

export interface KafkaConsumerServerOptions {
  kafka: Kafka;
  /** The logical group id (the runner puts the deployment's prefix before it). */
  groupId: string;
  /** The deployment's physical names (`DEJA_TOPIC_PREFIX`); default unprefixed. */
  names?: TopicNames;
  partitionsConsumedConcurrently?: number;
  onOutcome?: (topic: string, outcome: 'ok' | 'dead_letter' | 'retry') => void;
}

/**
 * A Nest microservice transport over Deja's consumer runner. Handlers are ordinary
 * `@EventPattern('deja.<topic>.v1')` methods (logical names: the runner consumes the
 * deployment's prefixed topics); each receives an `InboundMessage` whose value has
 * already been validated against the topic's contract. Offsets are committed only after the
 * handler's promise resolves; failures are retried or dead-lettered by the runner.
 */
export class KafkaConsumerServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaConsumerServer.name);
  private runner: ConsumerRunner | undefined;

  constructor(private readonly options: KafkaConsumerServerOptions) {
    super();
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    try {
      const routes = [...this.getHandlers().entries()].map(([pattern, handler]) => {
        const topic = contractFor(pattern);
        if (!topic) throw new Error(`@EventPattern('${pattern}') is not a Deja topic contract`);
        return {
          topic,
          handler: async (message: InboundMessage) => {
            const result = await handler(message);
            if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          },
        };
      });
      if (routes.length === 0) {
        callback();
        return;
      }
      this.runner = new ConsumerRunner(this.options.kafka, {
        groupId: this.options.groupId,
        names: this.options.names,
        routes,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        onOutcome: this.options.onOutcome,
        log: (level, msg) => this.logger[level](msg),
      });
      await this.runner.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.runner?.stop();
  }

  on(): never {
    throw new MessageHandlingException(MessageErrorCode.Rejected, 'KafkaConsumerServer does not emit events', false);
  }

  unwrap<T>(): T {
    return this.runner as T;
  }
}
