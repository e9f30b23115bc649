import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { TopicNames } from '@deja/contracts';
import { closeOnShutdown } from '@deja/util-nest';
import { createKafka, ensureTopics, type KafkaConnection } from '../lib/kafka-client';
import { TopicPublisher } from '../lib/publisher';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

/**
 * Provides the Kafka client, a connected idempotent producer, a validating `TopicPublisher` and
 * the deployment's `TopicNames` (`conn.topicPrefix`). Topics are created on start under those
 * names (broker auto-creation is off).
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
        { provide: TopicNames, useValue: new TopicNames(conn.topicPrefix ?? '') },
        {
          provide: KAFKA_PRODUCER,
          inject: [KAFKA, TopicNames],
          useFactory: async (kafka: Kafka, names: TopicNames) => {
            await ensureTopics(kafka, names);
            const producer = kafka.producer({
              allowAutoTopicCreation: false,
              idempotent: true,
              maxInFlightRequests: 5,
            });
            await producer.connect();
            return producer;
          },
        },
        {
          provide: TopicPublisher,
          inject: [KAFKA_PRODUCER, TopicNames],
          useFactory: (p: Producer, names: TopicNames) => new TopicPublisher(p, names),
        },
        closeOnShutdown(KAFKA_PRODUCER, (producer: Producer) => producer.disconnect()),
      ],
      exports: [KAFKA, KAFKA_PRODUCER, TopicPublisher, TopicNames],
    };
  }
}
