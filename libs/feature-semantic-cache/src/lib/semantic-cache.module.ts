import { DynamicModule, Logger, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { CacheRepository } from '@deja/data-access-cache';
import { EMBEDDER, type Embedder } from '@deja/data-access-embeddings';
import { PG_POOL } from '@deja/data-access-postgres';
import { DEFAULT_NAMESPACE_POLICY, type NamespacePolicy } from '@deja/util-cache-policy';
import { CacheMetrics } from './cache-metrics';
import { SemanticCache } from './semantic-cache';

export interface SemanticCacheModuleOptions {
  topK?: number;
  defaults?: Partial<NamespacePolicy>;
}

/** Provides {@link SemanticCache} over the global pg pool, embedder and metrics registry. */
@Module({})
export class SemanticCacheModule {
  static forRoot(options: SemanticCacheModuleOptions = {}): DynamicModule {
    const logger = new Logger('SemanticCache');
    return {
      module: SemanticCacheModule,
      providers: [
        { provide: CacheRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new CacheRepository(pool) },
        { provide: CacheMetrics, inject: [Registry], useFactory: (registry: Registry) => new CacheMetrics(registry) },
        {
          provide: SemanticCache,
          inject: [CacheRepository, EMBEDDER, CacheMetrics],
          useFactory: (repo: CacheRepository, embedder: Embedder, metrics: CacheMetrics) =>
            new SemanticCache(repo, embedder, metrics, {
              topK: options.topK ?? 5,
              defaults: { ...DEFAULT_NAMESPACE_POLICY, ...options.defaults },
              onEmbedFailure: (error) => logger.error(`embedding failed, lookup degraded to the exact tier: ${error instanceof Error ? error.message : String(error)}`),
            }),
        },
      ],
      exports: [SemanticCache, CacheRepository, CacheMetrics],
    };
  }
}
