import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { createEmbedder, type EmbedderConfig } from '../lib/create-embedder';
import type { DisposableEmbedder, Embedder } from '../lib/embedder';

/** Injection token of the process's one {@link Embedder}. */
export const EMBEDDER = Symbol('EMBEDDER');

/** Releases the ONNX session when the app shuts down. */
@Injectable()
class EmbedderLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EMBEDDER) private readonly embedder: Embedder) {}
  async onApplicationShutdown(): Promise<void> {
    const closable = this.embedder as Partial<DisposableEmbedder>;
    if (typeof closable.close === 'function') await closable.close();
  }
}

/**
 * Provides {@link EMBEDDER}, loaded once at start: the app does not start when the model is
 * missing, and says how to install it.
 */
@Global()
@Module({})
export class EmbeddingsModule {
  static forRoot(config: EmbedderConfig): DynamicModule {
    const logger = new Logger('Embeddings');
    return {
      module: EmbeddingsModule,
      providers: [
        {
          provide: EMBEDDER,
          useFactory: async () => {
            const started = Date.now();
            const embedder = await createEmbedder(config);
            logger.log(
              `embedding model ${embedder.model} (${embedder.dimension} dims, ${config.provider}) ready in ${Date.now() - started} ms`,
            );
            return embedder;
          },
        },
        EmbedderLifecycle,
      ],
      exports: [EMBEDDER],
    };
  }
}
