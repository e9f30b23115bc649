import { join } from 'node:path';
import { applyDecorators, DynamicModule, Module, UseFilters } from '@nestjs/common';
import type { Pool } from 'pg';
import { BusModule } from '@deja/data-access-bus';
import { embedderConfigFromEnv, embeddingModelOf, EmbeddingsModule } from '@deja/data-access-embeddings';
import { PgliteModule } from '@deja/data-access-pglite';
import { PG_POOL } from '@deja/data-access-postgres';
import { ConsoleModule } from '@deja/feature-console';
import {
  AdminRoute,
  GatewayExceptionFilter,
  GatewayModule,
  inProcessJobNotifications,
  type GatewayOptions,
} from '@deja/feature-gateway';
import {
  InvalidationAdminModule,
  InvalidationHandler,
  InvalidationModule,
  SWEEP_DEFAULTS,
} from '@deja/feature-invalidation';
import { LLM_WORKER_DEFAULTS, LlmWorkerModule, MissesHandler, type LlmWorkerOptions } from '@deja/feature-llm-worker';
import { OpsModule, postgresCheck } from '@deja/feature-ops';
import type { RunningSimulator } from '@deja/feature-provider-simulator';
import { CacheHandler, SemanticCacheModule } from '@deja/feature-semantic-cache';
import { requestLimits } from '@deja/util-config';
import { closeOnShutdown } from '@deja/util-nest';
import type { EmbeddedConfig } from './config';
import type { EmbeddedKeys } from './keys';
import { providerSettings } from './providers';

const SIMULATOR = Symbol('SIMULATOR');
const BUS_POOL = Symbol('BUS_POOL');
const BUS_DATABASE = Symbol('BUS_DATABASE');

/** The gateway's options in one process (its infrastructure is the bus, PGlite and in-process notifications). */
export function embeddedGatewayOptions(config: EmbeddedConfig, keys: EmbeddedKeys): GatewayOptions {
  return {
    // One process, one gateway: a fixed group on the bus is this replica's own.
    liveChunksGroupId: 'deja.embedded.live',
    apiKey: keys.apiKey,
    adminKey: keys.adminKey,
    keySecret: config.DEJA_KEY_SECRET,
    ...requestLimits(config),
    publishTimeoutMs: 5000,
    maxJobWaitSeconds: 30,
    recheckMs: 2000,
    // The exact tier in the gateway reads the semantic cache's entries: the same key and model.
    exactTier: { signingKey: keys.signingKey, embeddingModel: embeddingModelOf(embedderConfigFromEnv(config)) },
  };
}

/** The llm-worker's defaults (its miss-age limit among them), with what embedded mode configures. */
export function embeddedWorkerOptions(config: EmbeddedConfig): LlmWorkerOptions {
  return {
    ...LLM_WORKER_DEFAULTS,
    promptCache: { anthropicLongTtlForStatic: false, defaultMaxTokens: config.DEFAULT_MAX_TOKENS },
    retry: { ...LLM_WORKER_DEFAULTS.retry, maxAttempts: config.RETRY_MAX_ATTEMPTS },
    coalesceWindowMs: config.COALESCE_WINDOW_MS,
  };
}

/**
 * All of Deja in one process: the four services' modules, with the in-process bus in place of
 * Kafka and PGlite in place of Postgres. Wiring only.
 */
@Module({})
export class AppModule {
  static forRoot(config: EmbeddedConfig, keys: EmbeddedKeys, simulator: RunningSimulator | undefined): DynamicModule {
    const gateway = embeddedGatewayOptions(config, keys);
    return {
      module: AppModule,
      imports: [
        PgliteModule.forRoot({ dataDir: join(config.DEJA_DATA_DIR, 'db'), runMigrations: true }),
        // The bus in its own PGlite, as Kafka is not Postgres in a deployment: PGlite has one
        // connection, which a transaction that publishes (the invalidator's) holds.
        PgliteModule.forDatabase({
          dataDir: join(config.DEJA_DATA_DIR, 'bus'),
          runMigrations: false,
          poolToken: BUS_POOL,
          databaseToken: BUS_DATABASE,
        }),
        BusModule.forRoot({ retentionMs: config.DEJA_BUS_RETENTION_HOURS * 3600_000, poolToken: BUS_POOL }),
        OpsModule.forRoot({
          service: 'deja',
          metricsToken: config.DEJA_METRICS_TOKEN,
          checks: [
            { name: 'database', inject: [PG_POOL], useFactory: (pool: Pool) => postgresCheck(pool) },
            { name: 'bus', inject: [BUS_POOL], useFactory: (pool: Pool) => postgresCheck(pool) },
          ],
        }),
        // embedding-service
        EmbeddingsModule.forRoot(embedderConfigFromEnv(config)),
        SemanticCacheModule.forRoot({ topK: config.DEJA_CACHE_TOP_K, signingKey: keys.signingKey }),
        // llm-worker
        LlmWorkerModule.forRoot({
          worker: embeddedWorkerOptions(config),
          providers: providerSettings(config, simulator),
        }),
        // invalidation-service
        InvalidationModule.forRoot({
          sweep: SWEEP_DEFAULTS,
        }),
        // gateway, with the invalidation admin routes behind the admin key (as apps/gateway mounts them)
        GatewayModule.forRoot(gateway),
        inProcessJobNotifications(),
        InvalidationAdminModule.forRoot({ protect: applyDecorators(AdminRoute(), UseFilters(GatewayExceptionFilter)) }),
        // No tracing in one process: the why view has no trace link here.
        ConsoleModule.forRoot(),
      ],
      controllers: [CacheHandler, MissesHandler, InvalidationHandler],
      providers: [
        { provide: SIMULATOR, useValue: simulator },
        // Stops the in-process provider simulator with the app.
        closeOnShutdown(SIMULATOR, (simulator: RunningSimulator | undefined) => simulator?.close()),
      ],
    };
  }
}
