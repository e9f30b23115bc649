import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { closeOnShutdown } from '@deja/util-nest';
import { createEmbedder, type EmbedderConfig } from '../lib/create-embedder';
import type { DisposableEmbedder, Embedder } from '../lib/embedder';

/** Injection token of the process's one {@link Embedder}. */
export const EMBEDDER = Symbol('EMBEDDER');

/** Releases the ONNX session (or worker) of an embedder that has one. */
async function release(embedder: Embedder): Promise<void> {
  const closable = embedder as Partial<DisposableEmbedder>;
  if (typeof closable.close === 'function') await closable.close();
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
        closeOnShutdown(EMBEDDER, release),
      ],
      exports: [EMBEDDER],
    };
  }
}
