/**
 * @jest-environment ./libs/data-access-embeddings/src/testing/onnx-test-environment.js
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelsDir } from './create-embedder';
import { EmbeddingErrorCode } from './embeddings.exception';
import { LocalOnnxEmbedder } from './local-onnx.embedder';
import { DEFAULT_LOCAL_MODEL } from './model-manifest';
import { WorkerEmbedder } from './worker.embedder';

/** The worker runs compiled JavaScript: the built script, as the services run it. */
const BUILT_WORKER = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'dist',
  'libs',
  'data-access-embeddings',
  'src',
  'lib',
  'onnx.worker.js',
);

describe('WorkerEmbedder (the local model in a worker thread)', () => {
  const modelsDir = process.env['DEJA_MODELS_DIR'] ?? defaultModelsDir();
  let worker: WorkerEmbedder;
  let local: LocalOnnxEmbedder;

  beforeAll(async () => {
    if (!existsSync(BUILT_WORKER)) throw new Error(`${BUILT_WORKER} is missing: run \`npm run build\` first`);
    [worker, local] = await Promise.all([
      WorkerEmbedder.load({ model: DEFAULT_LOCAL_MODEL, modelsDir, workerScript: BUILT_WORKER }),
      LocalOnnxEmbedder.load({ model: DEFAULT_LOCAL_MODEL, modelsDir }),
    ]);
  });
  afterAll(async () => {
    await worker?.close();
    await local?.close();
  });

  it('returns the same vectors as the model in the calling thread, in order', async () => {
    const texts = ['How do I reset my password?', 'a somewhat longer sentence about caching answers', ''];
    const [fromWorker, inThread] = await Promise.all([worker.embed(texts), local.embed(texts)]);
    expect(worker.model).toBe(local.model);
    expect(fromWorker.map((v) => v.length)).toEqual(texts.map(() => local.dimension));
    fromWorker.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(inThread[i])));
  });

  it('answers concurrent calls each with its own vectors', async () => {
    const texts = ['alpha', 'beta', 'gamma', 'delta'];
    const one = await Promise.all(texts.map((t) => worker.embed([t])));
    const all = await local.embed(texts);
    one.forEach(([v], i) => expect(Array.from(v)).toEqual(Array.from(all[i])));
  });

  it('fails to load with the model-missing code when the model is not there, and leaves no thread behind', async () => {
    await expect(
      WorkerEmbedder.load({ model: DEFAULT_LOCAL_MODEL, modelsDir: '/nonexistent/models', workerScript: BUILT_WORKER }),
    ).rejects.toMatchObject({ code: EmbeddingErrorCode.ModelMissing });
  });

  it('refuses to embed once closed', async () => {
    const closing = await WorkerEmbedder.load({ model: DEFAULT_LOCAL_MODEL, modelsDir, workerScript: BUILT_WORKER });
    await closing.close();
    await expect(closing.embed(['x'])).rejects.toMatchObject({ code: EmbeddingErrorCode.ModelInvalid });
  });
});
