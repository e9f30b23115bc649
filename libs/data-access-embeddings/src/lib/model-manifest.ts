import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EmbeddingErrorCode, EmbeddingException } from './embeddings.exception';

/** The models `scripts/setup-model.sh` knows how to fetch (see docs/embeddings.md). */
export const KNOWN_LOCAL_MODELS = [
  'all-minilm-l6-v2',
  'all-minilm-l6-v2-q',
  'bge-small-en-v1.5',
  'bge-small-en-v1.5-q',
  'e5-small-v2-q',
] as const;

/**
 * The shipped default, chosen by measurement on paraphrase pairs (docs/embeddings.md):
 * change it only together with that document and the thresholds tuned on it.
 */
export const DEFAULT_LOCAL_MODEL = 'bge-small-en-v1.5-q';

/** `deja-model.json`, written by scripts/setup-model.sh beside the model files. */
export const modelManifestSchema = z.object({
  name: z.string().min(1),
  dimension: z.number().int().positive(),
  pooling: z.enum(['mean', 'cls']),
  normalize: z.literal(true),
  /** Prepended to every text (E5 models are trained with "query: "). */
  queryPrefix: z.string().default(''),
  /** Longer inputs are truncated to this many tokens, [CLS] and [SEP] included. */
  maxTokens: z.number().int().min(2).max(8192),
  /** Path of the ONNX graph, relative to the model folder. */
  onnx: z.string().min(1),
  /**
   * Dynamically int8-quantised graph: its activation scales are computed over the whole batch,
   * so a text's vector shifts (up to 0.006 cosine for bge-small, 0.02 for MiniLM) with the texts
   * batched beside it. Unset: inferred from the file name (`model_quantized.onnx`).
   */
  quantized: z.boolean().optional(),
  sha256: z.string().optional(),
  source: z.string().optional(),
});
export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** Whether the manifest's graph is dynamically quantised (see {@link modelManifestSchema}). */
export function isQuantized(manifest: Pick<ModelManifest, 'quantized' | 'onnx'>): boolean {
  return manifest.quantized ?? /quantized/i.test(manifest.onnx);
}

const REQUIRED_FILES = ['deja-model.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** Where a model's files live: `<modelsDir>/<model>`. */
export function modelFolder(modelsDir: string, model: string): string {
  return join(modelsDir, model);
}

function missing(folder: string, model: string, what: string): EmbeddingException {
  return new EmbeddingException(
    EmbeddingErrorCode.ModelMissing,
    `embedding model "${model}" is not installed: ${what} in ${folder}. ` +
      `Run \`scripts/setup-model.sh ${model}\` (or set DEJA_MODELS_DIR to the folder that holds it).`,
  );
}

/**
 * Reads and checks a model folder's manifest, and that the files it names are present, so a
 * missing or half-copied model fails at start with the folder and the fix in the message.
 */
export function readModelManifest(modelsDir: string, model: string): ModelManifest {
  const folder = modelFolder(modelsDir, model);
  if (!existsSync(folder)) throw missing(folder, model, 'no such folder');
  for (const file of REQUIRED_FILES) {
    if (!existsSync(join(folder, file))) throw missing(folder, model, `${file} is missing`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(folder, 'deja-model.json'), 'utf8'));
  } catch (cause) {
    throw new EmbeddingException(
      EmbeddingErrorCode.ModelInvalid,
      `${join(folder, 'deja-model.json')} is not valid JSON`,
      { cause },
    );
  }
  const parsed = modelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new EmbeddingException(
      EmbeddingErrorCode.ModelInvalid,
      `${join(folder, 'deja-model.json')} is invalid: ${issues}`,
    );
  }
  if (parsed.data.name !== model) {
    throw new EmbeddingException(
      EmbeddingErrorCode.ModelInvalid,
      `${folder} holds model "${parsed.data.name}", not "${model}"`,
    );
  }
  if (!existsSync(join(folder, parsed.data.onnx))) throw missing(folder, model, `${parsed.data.onnx} is missing`);
  return parsed.data;
}
