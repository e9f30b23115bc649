import type { EmbeddingErrorCode } from './embeddings.exception';

/** Messages from the main thread to the embedding worker. */
export type ToWorker = { kind: 'embed'; id: number; texts: string[] } | { kind: 'close' };

/** Messages from the embedding worker: the model once loaded (or why not), then one answer per request. */
export type FromWorker =
  | { kind: 'ready'; model: string; dimension: number }
  | { kind: 'failed'; error: WireEmbeddingError }
  | { kind: 'vectors'; id: number; vectors: Float32Array[] }
  | { kind: 'error'; id: number; error: WireEmbeddingError };

export interface WireEmbeddingError {
  code: EmbeddingErrorCode;
  message: string;
}
