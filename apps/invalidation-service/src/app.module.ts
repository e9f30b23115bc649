import { DynamicModule, Module } from '@nestjs/common';
import { KAFKA, KafkaModule } from '@deja/data-access-kafka';
import { PG_POOL, PostgresModule } from '@deja/data-access-postgres';
import { InvalidationHandler, InvalidationModule } from '@deja/feature-invalidation';
import { kafkaCheck, OpsModule, postgresCheck } from '@deja/feature-ops';
import { kafkaConnection } from '@deja/util-config';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { InvalidationServiceConfig } from './config';

/** Wiring only: the invalidation-service's behaviour lives in libs/. */
@Module({})
export class AppModule {
  static forRoot(config: InvalidationServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        KafkaModule.forRoot(kafkaConnection(config, 'deja-invalidation-service')),
        PostgresModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          max: config.DATABASE_POOL_MAX,
          applicationName: 'deja-invalidation-service',
          runMigrations: true,
        }),
        OpsModule.forRoot({
          service: 'invalidation-service',
          metricsToken: config.DEJA_METRICS_TOKEN,
          checks: [
            { name: 'postgres', inject: [PG_POOL], useFactory: (pool: Pool) => postgresCheck(pool) },
            { name: 'kafka', inject: [KAFKA], useFactory: (kafka: Kafka) => kafkaCheck(kafka) },
          ],
        }),
        InvalidationModule.forRoot({
          sweep: {
            intervalMs: config.SWEEP_INTERVAL_MS,
            batchSize: config.SWEEP_BATCH_SIZE,
            maxBatchesPerSweep: config.SWEEP_MAX_BATCHES,
            retiredGraceSeconds: config.SWEEP_RETIRED_GRACE_SECONDS,
            expiredGraceSeconds: config.SWEEP_EXPIRED_GRACE_SECONDS,
            eventRetentionDays: config.INVALIDATION_EVENT_RETENTION_DAYS,
            staleWindowSeconds: config.SWEEP_STALE_WINDOW_SECONDS,
          },
        }),
      ],
      controllers: [InvalidationHandler],
    };
  }
}
