import { DynamicModule, Module } from '@nestjs/common';
import { KAFKA, KafkaModule } from '@deja/data-access-kafka';
import { PG_POOL, PostgresModule } from '@deja/data-access-postgres';
import { kafkaCheck, OpsModule, postgresCheck } from '@deja/feature-ops';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { LlmWorkerConfig } from './config';

/** Wiring only: the llm-worker's behaviour lives in libs/. */
@Module({})
export class AppModule {
  static forRoot(config: LlmWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'deja-llm-worker' }),
        PostgresModule.forRoot({ databaseUrl: config.DATABASE_URL, max: config.DATABASE_POOL_MAX, applicationName: 'deja-llm-worker', runMigrations: true }),
        OpsModule.forRoot({
          service: 'llm-worker',
          checks: [
            { name: 'postgres', inject: [PG_POOL], useFactory: (pool: Pool) => postgresCheck(pool) },
            { name: 'kafka', inject: [KAFKA], useFactory: (kafka: Kafka) => kafkaCheck(kafka) },
          ],
        }),
      ],
    };
  }
}
