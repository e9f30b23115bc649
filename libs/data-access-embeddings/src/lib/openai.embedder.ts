import OpenAI from 'openai';
import type { Embedder } from './embedder';
import { EmbeddingErrorCode, EmbeddingException } from './embeddings.exception';
import { l2Normalise } from './pooling';

/** The OpenAI embedding model used when none is named. */
export const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

/** Native output sizes of OpenAI's embedding models; other models need an explicit dimension. */
const NATIVE_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** Options of {@link OpenAiEmbedder}. */
export interface OpenAiEmbedderOptions {
  /** Default `text-embedding-3-small`. */
  model?: string;
  /**
   * Output size. When set it is sent as `dimensions` (text-embedding-3-* shorten their vectors
   * on request); when unset the model's native size is expected.
   */
  dimension?: number;
  apiKey?: string;
  /** An OpenAI-compatible endpoint (Azure, vLLM, a proxy); default the official API. */
  baseURL?: string;
  /** Inputs per request; the API accepts up to 2,048. */
  batchSize?: number;
  timeoutMs?: number;
  /** Retries on connection errors, 408/409/429 and 5xx, with the client's backoff. */
  maxRetries?: number;
  /** Replaces the HTTP transport, for tests. */
  fetch?: typeof fetch;
}

/**
 * Embeds through the official `openai` client. Vectors are normalised again on arrival, so the
 * cosine-equals-dot-product promise holds for OpenAI-compatible servers that do not normalise.
 */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  readonly dimension: number;
  private readonly client: OpenAI;
  private readonly requestedDimensions: number | undefined;
  private readonly batchSize: number;

  constructor(options: OpenAiEmbedderOptions = {}) {
    this.model = options.model ?? DEFAULT_OPENAI_EMBEDDING_MODEL;
    const dimension = options.dimension ?? NATIVE_DIMENSIONS[this.model];
    if (dimension === undefined || !Number.isInteger(dimension) || dimension < 1) {
      throw new EmbeddingException(
        EmbeddingErrorCode.BadConfig,
        `set a positive integer dimension for embedding model "${this.model}" (its native size is not known)`,
      );
    }
    this.dimension = dimension;
    this.requestedDimensions = options.dimension;
    this.batchSize = options.batchSize ?? 256;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > 2048) {
      throw new EmbeddingException(EmbeddingErrorCode.BadConfig, `batchSize must be 1–2048, got ${this.batchSize}`);
    }
    if (!options.apiKey) {
      throw new EmbeddingException(
        EmbeddingErrorCode.BadConfig,
        'the OpenAI embedder needs an API key (OPENAI_API_KEY)',
      );
    }
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      vectors.push(...(await this.embedBatch(texts.slice(start, start + this.batchSize))));
    }
    return vectors;
  }

  private async embedBatch(input: string[]): Promise<Float32Array[]> {
    let response: OpenAI.CreateEmbeddingResponse;
    try {
      response = await this.client.embeddings.create({
        model: this.model,
        input,
        encoding_format: 'float',
        ...(this.requestedDimensions !== undefined ? { dimensions: this.requestedDimensions } : {}),
      });
    } catch (cause) {
      throw toEmbeddingException(cause);
    }
    if (response.data.length !== input.length) {
      throw new EmbeddingException(
        EmbeddingErrorCode.ProviderUnavailable,
        `provider returned ${response.data.length} embeddings for ${input.length} inputs`,
      );
    }
    const vectors = new Array<Float32Array>(input.length);
    for (const item of response.data) {
      if (item.embedding.length !== this.dimension) {
        throw new EmbeddingException(
          EmbeddingErrorCode.BadConfig,
          `${this.model} returned ${item.embedding.length} dimensions, configured ${this.dimension}`,
        );
      }
      vectors[item.index] = l2Normalise(Float32Array.from(item.embedding));
    }
    return vectors;
  }
}

/** Maps the client's errors: transient ones (network, timeouts, 408/409/429, 5xx) are retriable. */
export function toEmbeddingException(error: unknown): EmbeddingException {
  if (error instanceof EmbeddingException) return error;
  if (error instanceof OpenAI.APIConnectionError) {
    return new EmbeddingException(
      EmbeddingErrorCode.ProviderUnavailable,
      `embedding provider unreachable: ${error.message}`,
      { cause: error },
    );
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    const transient = status === 408 || status === 409 || status === 429 || status >= 500;
    return new EmbeddingException(
      transient ? EmbeddingErrorCode.ProviderUnavailable : EmbeddingErrorCode.ProviderRejected,
      `embedding provider answered ${status}: ${error.message}`,
      { cause: error },
    );
  }
  return new EmbeddingException(EmbeddingErrorCode.ProviderUnavailable, `embedding request failed: ${String(error)}`, {
    cause: error,
  });
}
