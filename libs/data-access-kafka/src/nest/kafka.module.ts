import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { createKafka, ensureTopics, type KafkaConnection } from '../lib/kafka-client';
import { TopicPublisher } from '../lib/publisher';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

/** Closes the shared producer when the app shuts down, after consumers have drained. */
@Injectable()
class ProducerLifecycle implements OnApplicationShutdown {
  constructor(@Inject(KAFKA_PRODUCER) private readonly producer: Producer) {}
  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}

/**
 * Provides the Kafka client, a connected idempotent producer and a validating `TopicPublisher`.
 * Topics are created on start (broker auto-creation is off).
 */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(conn: KafkaConnection): DynamicModule {
    const logger = new Logger('Kafka');
    return {
      module: KafkaModule,
      providers: [
        { provide: KAFKA, useFactory: () => createKafka(conn, (level, msg) => logger[level](msg)) },
        {
          provide: KAFKA_PRODUCER,
          inject: [KAFKA],
          useFactory: async (kafka: Kafka) => {
            await ensureTopics(kafka);
            const producer = kafka.producer({
              allowAutoTopicCreation: false,
              idempotent: true,
              maxInFlightRequests: 5,
            });
            await producer.connect();
            return producer;
          },
        },
        { provide: TopicPublisher, inject: [KAFKA_PRODUCER], useFactory: (p: Producer) => new TopicPublisher(p) },
        ProducerLifecycle,
      ],
      exports: [KAFKA, KAFKA_PRODUCER, TopicPublisher],
    };
  }
}
