import { DynamicModule, Module } from '@nestjs/common';
import { KAFKA, KafkaModule } from '@deja/data-access-kafka';
import { PG_POOL, PostgresModule } from '@deja/data-access-postgres';
import { kafkaCheck, OpsModule, postgresCheck } from '@deja/feature-ops';
import { LlmWorkerModule, MissesHandler } from '@deja/feature-llm-worker';
import { kafkaConnection } from '@deja/util-config';
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
        LlmWorkerModule.forRoot({
          worker: {
            promptCache: {
              anthropicLongTtlForStatic: config.PROMPT_CACHE_LONG_TTL,
              defaultMaxTokens: config.DEFAULT_MAX_TOKENS,
              ...(config.OPENAI_PROMPT_CACHE_RETENTION
                ? { openaiRetention: config.OPENAI_PROMPT_CACHE_RETENTION }
                : {}),
            },
            retry: {
              maxAttempts: config.RETRY_MAX_ATTEMPTS,
              baseDelayMs: config.RETRY_BASE_DELAY_MS,
              maxDelayMs: config.RETRY_MAX_DELAY_MS,
              maxTotalMs: config.RETRY_MAX_TOTAL_MS,
            },
            breaker: { failureThreshold: config.BREAKER_FAILURE_THRESHOLD, cooldownMs: config.BREAKER_COOLDOWN_MS },
            coalesceWindowMs: config.COALESCE_WINDOW_MS,
            maxMissAgeMs: config.MISS_MAX_AGE_MS,
          },
          providers: {
            timeoutMs: config.PROVIDER_TIMEOUT_MS,
            openai: {
              apiKey: config.OPENAI_API_KEY,
              baseURL: config.OPENAI_BASE_URL,
              simulator: config.PROVIDER_SIMULATOR,
            },
            anthropic: {
              apiKey: config.ANTHROPIC_API_KEY,
              baseURL: config.ANTHROPIC_BASE_URL,
              simulator: config.PROVIDER_SIMULATOR,
            },
          },
        }),
      ],
      controllers: [MissesHandler],
    };
  }
}
