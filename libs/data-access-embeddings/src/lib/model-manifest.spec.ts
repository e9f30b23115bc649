import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingErrorCode, EmbeddingException } from './embeddings.exception';
import { isQuantized, readModelManifest } from './model-manifest';

describe('readModelManifest', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'deja-models-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function lay(
    model: string,
    manifest: object,
    files = ['tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'],
  ) {
    mkdirSync(join(dir, model, 'onnx'), { recursive: true });
    for (const f of files) writeFileSync(join(dir, model, f), '{}');
    writeFileSync(join(dir, model, 'deja-model.json'), JSON.stringify(manifest));
  }
  const good = { name: 'm', dimension: 384, pooling: 'cls', normalize: true, maxTokens: 512, onnx: 'onnx/model.onnx' };

  function errorOf(fn: () => unknown): EmbeddingException {
    try {
      fn();
    } catch (e) {
      if (e instanceof EmbeddingException) return e;
      throw e;
    }
    throw new Error('expected an EmbeddingException');
  }

  it('reads a complete folder, defaulting the query prefix to none', () => {
    lay('m', good);
    expect(readModelManifest(dir, 'm')).toMatchObject({ name: 'm', dimension: 384, pooling: 'cls', queryPrefix: '' });
  });

  it('names the folder and the setup script when the model is not installed', () => {
    const e = errorOf(() => readModelManifest(dir, 'absent-model'));
    expect(e.code).toBe(EmbeddingErrorCode.ModelMissing);
    expect(e.retriable).toBe(false);
    expect(e.message).toContain(join(dir, 'absent-model'));
    expect(e.message).toContain('scripts/setup-model.sh absent-model');
  });

  it('reports a missing ONNX graph as a missing model', () => {
    lay('m', good, ['tokenizer.json', 'tokenizer_config.json']);
    const e = errorOf(() => readModelManifest(dir, 'm'));
    expect(e.code).toBe(EmbeddingErrorCode.ModelMissing);
    expect(e.message).toContain('onnx/model.onnx');
  });

  it('rejects a manifest with an unknown pooling mode', () => {
    lay('m', { ...good, pooling: 'max' });
    expect(errorOf(() => readModelManifest(dir, 'm')).code).toBe(EmbeddingErrorCode.ModelInvalid);
  });

  it('rejects a folder that holds a different model than its name says', () => {
    lay('m', { ...good, name: 'other' });
    expect(errorOf(() => readModelManifest(dir, 'm')).message).toContain('"other"');
  });
});

describe('isQuantized', () => {
  it('follows the manifest flag, else the file name', () => {
    expect(isQuantized({ onnx: 'onnx/model_quantized.onnx' })).toBe(true);
    expect(isQuantized({ onnx: 'onnx/model.onnx' })).toBe(false);
    expect(isQuantized({ onnx: 'onnx/model.onnx', quantized: true })).toBe(true);
  });
});
