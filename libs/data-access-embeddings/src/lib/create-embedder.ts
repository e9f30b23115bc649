import { resolve } from 'node:path';
import { z } from 'zod';
import { envBoolean } from '@deja/util-config';
import type { Embedder } from './embedder';
import { LocalOnnxEmbedder } from './local-onnx.embedder';
import { DEFAULT_LOCAL_MODEL } from './model-manifest';
import { DEFAULT_OPENAI_EMBEDDING_MODEL, OpenAiEmbedder, type OpenAiEmbedderOptions } from './openai.embedder';
import { WorkerEmbedder } from './worker.embedder';

/** Which embedder to build, and how. Every field but `provider` has a default. */
export type EmbedderConfig =
  | {
      provider: 'local';
      /** Default {@link DEFAULT_LOCAL_MODEL}. */
      model?: string;
      /** Default `<cwd>/models`, where scripts/setup-model.sh puts them. */
      modelsDir?: string;
      threads?: number;
      batchSize?: number;
      /**
       * Run the model in a worker thread ({@link WorkerEmbedder}) so a run never stops the
       * caller's event loop. Default false (services: DEJA_EMBEDDING_WORKER, default false).
       */
      worker?: boolean;
    }
  | ({ provider: 'openai' } & OpenAiEmbedderOptions);

/** Where models live when `DEJA_MODELS_DIR` is not set: `models/` under the working directory. */
export function defaultModelsDir(cwd: string = process.cwd()): string {
  return resolve(cwd, 'models');
}

/**
 * Builds a ready embedder. The local model is loaded and warmed up before this resolves (about
 * half a second), so a missing model stops a service at start, not on its first query; a
 * script can call `await createEmbedder({ provider: 'local' })` and embed straight away.
 * No fallback: a model that cannot be loaded is an error, never a silent downgrade.
 */
export async function createEmbedder(config: EmbedderConfig = { provider: 'local' }): Promise<Embedder> {
  switch (config.provider) {
    case 'local': {
      const options = {
        model: config.model ?? DEFAULT_LOCAL_MODEL,
        modelsDir: config.modelsDir ?? defaultModelsDir(),
        ...(config.threads !== undefined ? { threads: config.threads } : {}),
        ...(config.batchSize !== undefined ? { batchSize: config.batchSize } : {}),
      };
      return config.worker ? WorkerEmbedder.load(options) : LocalOnnxEmbedder.load(options);
    }
    case 'openai': {
      const { provider: _provider, ...options } = config;
      return new OpenAiEmbedder(options);
    }
  }
}

/**
 * The model an embedder of this configuration runs, without loading it (a process that only
 * needs the name: the gateway's exact tier reports the decision stage trained on it).
 */
export function embeddingModelOf(config: EmbedderConfig): string {
  return config.model ?? (config.provider === 'local' ? DEFAULT_LOCAL_MODEL : DEFAULT_OPENAI_EMBEDDING_MODEL);
}

/**
 * Environment keys for the embedder, to spread into a service's configuration schema (parsed
 * once at start, with every other key; see @deja/util-config).
 */
export const embeddingEnvSchema = {
  /** `local` (ONNX in-process, the default) or `openai` (any OpenAI-compatible endpoint). */
  DEJA_EMBEDDING_PROVIDER: z.enum(['local', 'openai']).default('local'),
  /** Local: a folder name under DEJA_MODELS_DIR; openai: the API model name. */
  DEJA_EMBEDDING_MODEL: z.string().min(1).optional(),
  DEJA_MODELS_DIR: z.string().min(1).optional(),
  DEJA_EMBEDDING_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  DEJA_EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).optional(),
  /**
   * local: run the model in a worker thread, off the service's event loop. Default false: on the
   * shared 2-core reference machine it raised saturated hits/s by a quarter but made each query
   * embedding 2–3× slower at low load (the hand-off waits for a core twice; docs/benchmarks.md
   * §5, #14). Turn it on where cores are not oversubscribed.
   */
  DEJA_EMBEDDING_WORKER: envBoolean(false),
  /** openai: requested output size (text-embedding-3-* can shorten their vectors). */
  DEJA_EMBEDDING_DIMENSION: z.coerce.number().int().min(1).max(8192).optional(),
  /** openai: an OpenAI-compatible base URL; default the official API. */
  DEJA_EMBEDDING_BASE_URL: z.url().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
};

const embeddingEnv = z.object(embeddingEnvSchema);
export type EmbeddingEnv = z.infer<typeof embeddingEnv>;

/**
 * Cross-key rule for a schema that spreads {@link embeddingEnvSchema}: the openai provider
 * needs a key. Use as `z.object({...}).superRefine(refineEmbeddingEnv)`.
 */
export function refineEmbeddingEnv(
  env: Pick<EmbeddingEnv, 'DEJA_EMBEDDING_PROVIDER' | 'OPENAI_API_KEY'>,
  ctx: z.RefinementCtx,
): void {
  if (env.DEJA_EMBEDDING_PROVIDER === 'openai' && !env.OPENAI_API_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['OPENAI_API_KEY'],
      message: 'is required when DEJA_EMBEDDING_PROVIDER=openai',
    });
  }
}

/** Maps parsed environment values to an {@link EmbedderConfig}. */
export function embedderConfigFromEnv(env: EmbeddingEnv): EmbedderConfig {
  const common = {
    ...(env.DEJA_EMBEDDING_MODEL !== undefined ? { model: env.DEJA_EMBEDDING_MODEL } : {}),
    ...(env.DEJA_EMBEDDING_BATCH_SIZE !== undefined ? { batchSize: env.DEJA_EMBEDDING_BATCH_SIZE } : {}),
  };
  if (env.DEJA_EMBEDDING_PROVIDER === 'openai') {
    return {
      provider: 'openai',
      ...common,
      ...(env.OPENAI_API_KEY !== undefined ? { apiKey: env.OPENAI_API_KEY } : {}),
      ...(env.DEJA_EMBEDDING_BASE_URL !== undefined ? { baseURL: env.DEJA_EMBEDDING_BASE_URL } : {}),
      ...(env.DEJA_EMBEDDING_DIMENSION !== undefined ? { dimension: env.DEJA_EMBEDDING_DIMENSION } : {}),
    };
  }
  return {
    provider: 'local',
    ...common,
    ...(env.DEJA_MODELS_DIR !== undefined ? { modelsDir: env.DEJA_MODELS_DIR } : {}),
    ...(env.DEJA_EMBEDDING_THREADS !== undefined ? { threads: env.DEJA_EMBEDDING_THREADS } : {}),
    worker: env.DEJA_EMBEDDING_WORKER,
  };
}

/** Parses embedding keys from `env` (default `process.env`) and builds the embedder; for scripts. */
export async function createEmbedderFromEnv(env: Record<string, string | undefined> = process.env): Promise<Embedder> {
  const parsed = embeddingEnv.superRefine(refineEmbeddingEnv).parse(env);
  return createEmbedder(embedderConfigFromEnv(parsed));
}
