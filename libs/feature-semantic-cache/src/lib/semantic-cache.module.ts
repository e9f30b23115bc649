import { DynamicModule, Logger, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { CacheRepository, EntrySigner } from '@deja/data-access-cache';
import { EMBEDDER, type Embedder } from '@deja/data-access-embeddings';
import { PG_POOL } from '@deja/data-access-postgres';
import { decisionModelFor, DEFAULT_NAMESPACE_POLICY, type NamespacePolicy } from '@deja/util-cache-policy';
import { CacheMetrics } from './cache-metrics';
import { ExactTier } from './exact-tier';
import { SemanticCache, type DatabaseDownMode } from './semantic-cache';

export interface SemanticCacheModuleOptions {
  topK?: number;
  /** HMAC key entries are signed with (≥ 32 bytes); the public development key when unset. */
  signingKey?: string;
  /** Postgres unreachable: answer without the cache (`bypass`), fail fast, or retry. */
  databaseDownMode?: DatabaseDownMode;
  /** Per-namespace overrides of `databaseDownMode`. */
  databaseDownModeByNamespace?: Readonly<Record<string, DatabaseDownMode>>;
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
        { provide: CacheMetrics, inject: [Registry], useFactory: (registry: Registry) => CacheMetrics.for(registry) },
        {
          provide: CacheRepository,
          inject: [PG_POOL, CacheMetrics],
          useFactory: (pool: Pool, metrics: CacheMetrics) => cacheRepository(pool, metrics, options, logger),
        },
        {
          provide: SemanticCache,
          inject: [CacheRepository, EMBEDDER, CacheMetrics],
          useFactory: (repo: CacheRepository, embedder: Embedder, metrics: CacheMetrics) =>
            semanticCache(repo, embedder, metrics, options, logger),
        },
      ],
      exports: [SemanticCache, CacheRepository, CacheMetrics],
    };
  }
}

/** What a process without the embedder needs to run the exact tier as the semantic cache does. */
export interface ExactTierSettings {
  /** The key entries are signed with: the embedding-service's (`DEJA_ENTRY_SIGNING_KEY`). */
  signingKey?: string;
  /** The embedding-service's model: the exact decision reports the decision stage trained on it. */
  embeddingModel: string;
}

/**
 * The exact tier over a pool and a metrics registry, for the gateway (which answers exact hits
 * before publishing). In one process it counts into the semantic cache's metrics.
 */
export function createExactTier(pool: Pool, registry: Registry, settings: ExactTierSettings): ExactTier {
  const logger = new Logger('ExactTier');
  const metrics = CacheMetrics.for(registry);
  return new ExactTier(cacheRepository(pool, metrics, settings, logger), metrics, {
    defaults: DEFAULT_NAMESPACE_POLICY,
    decisionModel: decisionModelFor(settings.embeddingModel),
  });
}

/** The entry store, signing with the configured key (or the public development key, loudly). */
function cacheRepository(
  pool: Pool,
  metrics: CacheMetrics,
  options: Pick<SemanticCacheModuleOptions, 'signingKey'>,
  logger: Logger,
): CacheRepository {
  if (!options.signingKey)
    logger.warn(
      'DEJA_ENTRY_SIGNING_KEY is not set: cache entries are signed with the public development key (not for production)',
    );
  const signer = options.signingKey
    ? new EntrySigner(Buffer.from(options.signingKey, 'utf8'))
    : EntrySigner.development();
  return new CacheRepository(pool, signer, (entryId) => {
    metrics.forged.inc();
    logger.warn(`cache entry ${entryId} failed signature verification: not served`);
  });
}

/** The cache with its options and log lines, saying at start which decision rule it runs. */
function semanticCache(
  repo: CacheRepository,
  embedder: Embedder,
  metrics: CacheMetrics,
  options: SemanticCacheModuleOptions,
  logger: Logger,
): SemanticCache {
  const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const cache = new SemanticCache(repo, embedder, metrics, {
    topK: options.topK ?? 5,
    defaults: { ...DEFAULT_NAMESPACE_POLICY, ...options.defaults },
    databaseDownMode: options.databaseDownMode ?? 'bypass',
    databaseDownModeByNamespace: options.databaseDownModeByNamespace,
    onDegraded: (error, mode) =>
      logger.error(`Postgres unreachable, request handled in degraded mode (${mode}): ${reason(error)}`),
    onStoreFailure: (error) => logger.error(`answer not cached, Postgres refused it: ${reason(error)}`),
    onEmbedFailure: (error) => logger.error(`embedding failed, lookup degraded to the exact tier: ${reason(error)}`),
  });
  if (cache.decisionModel) {
    logger.log(`learned decision stage: ${cache.decisionModel.name} (for ${embedder.model})`);
  } else {
    logger.warn(
      `no decision weights were trained on ${embedder.model}: every namespace is decided by its raw similarity threshold`,
    );
  }
  return cache;
}
