import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertTokenizer, PreTrainedTokenizer } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { padBatch, planBatches, truncateKeepingLast } from './batching';
import type { DisposableEmbedder } from './embedder';
import { EmbeddingErrorCode, EmbeddingException } from './embeddings.exception';
import { isQuantized, modelFolder, readModelManifest, type ModelManifest } from './model-manifest';
import { poolHiddenStates } from './pooling';

/** Options of {@link LocalOnnxEmbedder.load}. */
export interface LocalOnnxEmbedderOptions {
  /** Folder name under `modelsDir`, e.g. `bge-small-en-v1.5-q`. */
  model: string;
  /** Folder that holds one sub-folder per model (`DEJA_MODELS_DIR`, default `<cwd>/models`). */
  modelsDir: string;
  /**
   * ONNX Runtime intra-op threads. Default 1: on the 2-core reference machine, shared with
   * Kafka, Postgres and the other services, a second thread never helped and often doubled
   * latency (a parallel section waits for both threads to be scheduled; docs/embeddings.md).
   * Raise it (DEJA_EMBEDDING_THREADS) on a host with cores to spare.
   */
  threads?: number;
  /**
   * Texts per ONNX run. Default 32 for float models; 1 for quantised ones, whose vectors would
   * otherwise depend on the texts batched with them (batching gains little on CPU anyway: see
   * docs/embeddings.md). Set it above 1 for a quantised model only where bulk speed matters
   * more than batch-invariant vectors.
   */
  batchSize?: number;
}

/** Characters kept per allowed token before tokenising, so a huge prompt is not tokenised whole. */
const CHARS_PER_TOKEN_BOUND = 100;

/**
 * Runs a BERT-style sentence-embedding model in-process with ONNX Runtime: tokenises with the
 * model's own tokenizer.json (through @huggingface/transformers, no network), runs the graph in
 * length-sorted batches, pools as the model was trained (mean or CLS) and L2-normalises.
 *
 * Load once per process with {@link LocalOnnxEmbedder.load} and share the instance: runs are
 * serialised, since two concurrent runs on a small machine only fight over the same cores.
 */
export class LocalOnnxEmbedder implements DisposableEmbedder {
  readonly model: string;
  readonly dimension: number;
  /** Inputs longer than this many tokens are truncated (their tail does not affect the vector). */
  readonly maxTokens: number;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly manifest: ModelManifest,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly session: ort.InferenceSession,
    private readonly outputName: string,
    /** Texts per ONNX run (see {@link LocalOnnxEmbedderOptions.batchSize}). */
    readonly batchSize: number,
  ) {
    this.model = manifest.name;
    this.dimension = manifest.dimension;
    this.maxTokens = manifest.maxTokens;
  }

  /**
   * Loads the model from `<modelsDir>/<model>` and runs one warm-up embedding, so a missing,
   * corrupt or mis-described model fails here (at service start) rather than on a user's query.
   */
  static async load(options: LocalOnnxEmbedderOptions): Promise<LocalOnnxEmbedder> {
    const manifest = readModelManifest(options.modelsDir, options.model);
    const folder = modelFolder(options.modelsDir, options.model);
    const batchSize = options.batchSize ?? (isQuantized(manifest) ? 1 : 32);
    const threads = options.threads ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw badConfig(`batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(threads) || threads < 1)
      throw badConfig(`threads must be a positive integer, got ${threads}`);

    const tokenizer = loadTokenizer(folder);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(join(folder, manifest.onnx), {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Worker threads sleep between runs instead of spinning: on a small machine shared with
        // Kafka, Postgres and the other services, spinning halved throughput under load.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (cause) {
      throw new EmbeddingException(
        EmbeddingErrorCode.ModelInvalid,
        `cannot load ${join(folder, manifest.onnx)}: ${String(cause)}`,
        { cause },
      );
    }
    const expected = ['input_ids', 'attention_mask'];
    const absent = expected.filter((name) => !session.inputNames.includes(name));
    if (absent.length > 0) {
      await session.release();
      throw new EmbeddingException(
        EmbeddingErrorCode.ModelInvalid,
        `${manifest.onnx} lacks inputs ${absent.join(', ')}`,
      );
    }
    const outputName = session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : session.outputNames[0];
    const embedder = new LocalOnnxEmbedder(manifest, tokenizer, session, outputName, batchSize);
    await embedder.embed(['warm-up']);
    return embedder;
  }

  /** Token count of each text as the model sees it ([CLS] and [SEP] included, before truncation). */
  countTokens(texts: string[]): number[] {
    return texts.map((text) => this.encode(text, false).length);
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    if (this.closed)
      return Promise.reject(
        new EmbeddingException(EmbeddingErrorCode.ModelInvalid, `embedder for ${this.model} is closed`),
      );
    if (texts.length === 0) return Promise.resolve([]);
    const run = this.queue.then(() => this.embedNow(texts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.session.release();
  }

  private async embedNow(texts: string[]): Promise<Float32Array[]> {
    const tokens = texts.map((text) => this.encode(text, true));
    const vectors = new Array<Float32Array>(texts.length);
    for (const indices of planBatches(
      tokens.map((t) => t.length),
      this.batchSize,
    )) {
      const pooled = await this.runBatch(indices.map((i) => tokens[i]));
      indices.forEach((textIndex, row) => (vectors[textIndex] = pooled[row]));
    }
    return vectors;
  }

  private encode(text: string, truncate: boolean): number[] {
    const input = this.manifest.queryPrefix + text;
    const ids = this.tokenizer.encode(truncate ? input.slice(0, this.maxTokens * CHARS_PER_TOKEN_BOUND) : input);
    return truncate ? truncateKeepingLast(ids, this.maxTokens) : ids;
  }

  private async runBatch(rows: number[][]): Promise<Float32Array[]> {
    const padded = padBatch(rows, this.tokenizer.pad_token_id ?? 0);
    const dims = [padded.batch, padded.seqLen];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', padded.inputIds, dims),
      attention_mask: new ort.Tensor('int64', padded.attentionMask, dims),
    };
    if (this.session.inputNames.includes('token_type_ids'))
      feeds['token_type_ids'] = new ort.Tensor('int64', padded.tokenTypeIds, dims);
    const output = (await this.session.run(feeds))[this.outputName];
    const [batch, seqLen, dim] = output.dims;
    if (output.dims.length !== 3 || batch !== padded.batch || seqLen !== padded.seqLen || dim !== this.dimension) {
      throw new EmbeddingException(
        EmbeddingErrorCode.ModelInvalid,
        `${this.model}: output ${this.outputName} has shape [${output.dims.join(', ')}], expected [${padded.batch}, ${padded.seqLen}, ${this.dimension}]`,
      );
    }
    return poolHiddenStates(
      output.data as Float32Array,
      { batch, seqLen, dim },
      padded.attentionMask,
      this.manifest.pooling,
    );
  }
}

function badConfig(message: string): EmbeddingException {
  return new EmbeddingException(EmbeddingErrorCode.BadConfig, message);
}

/**
 * Builds the tokenizer from the folder's own files. Constructing it directly (rather than
 * through AutoTokenizer.from_pretrained) needs no change to transformers.js' process-wide `env`
 * and can never reach for the network.
 */
function loadTokenizer(folder: string): PreTrainedTokenizer {
  try {
    const tokenizerJson: unknown = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8'));
    const tokenizerConfig = JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')) as {
      tokenizer_class?: string;
    };
    return tokenizerConfig.tokenizer_class === 'BertTokenizer'
      ? new BertTokenizer(tokenizerJson, tokenizerConfig)
      : new PreTrainedTokenizer(tokenizerJson, tokenizerConfig);
  } catch (cause) {
    throw new EmbeddingException(
      EmbeddingErrorCode.ModelInvalid,
      `cannot load the tokenizer in ${folder}: ${String(cause)}`,
      { cause },
    );
  }
}
