export * from './lib/embedder';
export * from './lib/embeddings.exception';
export * from './lib/pooling';
export * from './lib/model-manifest';
export * from './lib/local-onnx.embedder';
export * from './lib/worker.embedder';
export * from './lib/openai.embedder';
export * from './lib/create-embedder';
export * from './nest/embeddings.module';
/** Test doubles (a hashing embedder): for unit tests only, never a default or fallback. */
export * as EmbeddingsTesting from './testing';
