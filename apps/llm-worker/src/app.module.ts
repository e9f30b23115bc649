import { DynamicModule, Module } from '@nestjs/common';
import { KAFKA, KafkaModule } from '@deja/data-access-kafka';
import { PG_POOL, PostgresModule } from '@deja/data-access-postgres';
import { kafkaCheck, OpsModule, postgresCheck } from '@deja/feature-ops';
import { LlmWorkerModule, MissesHandler } from '@deja/feature-llm-worker';
import { kafkaConnection } from '@deja/util-config';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { llmWorkerOptions, type LlmWorkerConfig } from './config';

/** Wiring only: the llm-worker's behaviour lives in libs/. */
@Module({})
export class AppModule {
  static forRoot(config: LlmWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        KafkaModule.forRoot(kafkaConnection(config, 'deja-llm-worker')),
        PostgresModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          max: config.DATABASE_POOL_MAX,
          applicationName: 'deja-llm-worker',
          runMigrations: true,
        }),
        OpsModule.forRoot({
          service: 'llm-worker',
          metricsToken: config.DEJA_METRICS_TOKEN,
          checks: [
            { name: 'postgres', inject: [PG_POOL], useFactory: (pool: Pool) => postgresCheck(pool) },
            { name: 'kafka', inject: [KAFKA], useFactory: (kafka: Kafka) => kafkaCheck(kafka) },
          ],
        }),
        LlmWorkerModule.forRoot(llmWorkerOptions(config)),
      ],
      controllers: [MissesHandler],
    };
  }
}
