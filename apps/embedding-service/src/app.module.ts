import { DynamicModule, Module } from '@nestjs/common';
import { embedderConfigFromEnv, EmbeddingsModule } from '@deja/data-access-embeddings';
import { serviceInfrastructure } from '@deja/feature-ops';
import { CacheHandler, SemanticCacheModule } from '@deja/feature-semantic-cache';
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
        ...serviceInfrastructure('embedding-service', config),
      ],
    };
  }
}
