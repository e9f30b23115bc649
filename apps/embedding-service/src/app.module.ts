import { DynamicModule, Module } from '@nestjs/common';
import { KAFKA, KafkaModule } from '@deja/data-access-kafka';
import { PG_POOL, PostgresModule } from '@deja/data-access-postgres';
import { embedderConfigFromEnv, EmbeddingsModule } from '@deja/data-access-embeddings';
import { kafkaCheck, OpsModule, postgresCheck } from '@deja/feature-ops';
import { CacheHandler, SemanticCacheModule } from '@deja/feature-semantic-cache';
import { kafkaConnection } from '@deja/util-config';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { EmbeddingServiceConfig } from './config';

/** Wiring only: the embedding-service's behaviour lives in libs/. */
@Module({})
export class AppModule {
  static forRoot(config: EmbeddingServiceConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [CacheHandler],
      imports: [
        EmbeddingsModule.forRoot(embedderConfigFromEnv(config)),
        SemanticCacheModule.forRoot({
          topK: config.DEJA_CACHE_TOP_K,
          signingKey: config.DEJA_ENTRY_SIGNING_KEY,
          databaseDownMode: config.DEJA_DB_DOWN_MODE,
          databaseDownModeByNamespace: config.DEJA_DB_DOWN_MODE_NAMESPACES,
        }),
        KafkaModule.forRoot(kafkaConnection(config, 'deja-embedding-service')),
        PostgresModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          max: config.DATABASE_POOL_MAX,
          applicationName: 'deja-embedding-service',
          runMigrations: true,
        }),
        OpsModule.forRoot({
          service: 'embedding-service',
          metricsToken: config.DEJA_METRICS_TOKEN,
          checks: [
            { name: 'postgres', inject: [PG_POOL], useFactory: (pool: Pool) => postgresCheck(pool) },
            { name: 'kafka', inject: [KAFKA], useFactory: (kafka: Kafka) => kafkaCheck(kafka) },
          ],
        }),
      ],
    };
  }
}
