import { z } from 'zod';
import { createEmbedder, embedderConfigFromEnv, embeddingEnvSchema, refineEmbeddingEnv } from './create-embedder';
import { EmbeddingErrorCode } from './embeddings.exception';
import { DEFAULT_LOCAL_MODEL } from './model-manifest';

const schema = z.object(embeddingEnvSchema).superRefine(refineEmbeddingEnv);

describe('embedding configuration from the environment', () => {
  it('defaults to the local provider with no overrides', () => {
    expect(embedderConfigFromEnv(schema.parse({}))).toEqual({ provider: 'local', worker: false });
  });

  it('runs the local model in a worker thread when DEJA_EMBEDDING_WORKER is true', () => {
    expect(embedderConfigFromEnv(schema.parse({ DEJA_EMBEDDING_WORKER: 'true' }))).toEqual({
      provider: 'local',
      worker: true,
    });
  });

  it('maps the local keys', () => {
    const env = schema.parse({
      DEJA_EMBEDDING_MODEL: 'all-minilm-l6-v2',
      DEJA_MODELS_DIR: '/m',
      DEJA_EMBEDDING_THREADS: '2',
    });
    expect(embedderConfigFromEnv(env)).toEqual({
      provider: 'local',
      model: 'all-minilm-l6-v2',
      modelsDir: '/m',
      threads: 2,
      worker: false,
    });
  });

  it('maps the openai keys', () => {
    const env = schema.parse({
      DEJA_EMBEDDING_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-x',
      DEJA_EMBEDDING_BASE_URL: 'http://127.0.0.1:8000/v1',
      DEJA_EMBEDDING_DIMENSION: '512',
    });
    expect(embedderConfigFromEnv(env)).toEqual({
      provider: 'openai',
      apiKey: 'sk-x',
      baseURL: 'http://127.0.0.1:8000/v1',
      dimension: 512,
    });
  });

  it('reports every bad key at once, including a missing key for the openai provider', () => {
    const result = schema.safeParse({ DEJA_EMBEDDING_PROVIDER: 'openai', DEJA_EMBEDDING_THREADS: 'many' });
    expect(result.success).toBe(false);
    // Zod runs object refinements only once the shape parses, so fix the shape and check again.
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['DEJA_EMBEDDING_THREADS']);
    const second = schema.safeParse({ DEJA_EMBEDDING_PROVIDER: 'openai' });
    expect(second.error?.issues.map((i) => i.path.join('.'))).toEqual(['OPENAI_API_KEY']);
  });
});

describe('createEmbedder', () => {
  it(`uses ${DEFAULT_LOCAL_MODEL} by default and names the folder and fix when it is missing`, async () => {
    await expect(createEmbedder({ provider: 'local', modelsDir: '/nonexistent/models' })).rejects.toMatchObject({
      code: EmbeddingErrorCode.ModelMissing,
      message: expect.stringContaining(`/nonexistent/models/${DEFAULT_LOCAL_MODEL}`),
    });
  });

  it('builds an OpenAI embedder without a network call', async () => {
    const e = await createEmbedder({ provider: 'openai', apiKey: 'k', dimension: 256 });
    expect([e.model, e.dimension]).toEqual(['text-embedding-3-small', 256]);
  });
});
