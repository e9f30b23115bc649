/**
 * Turns texts into sentence embeddings for the semantic cache.
 *
 * Every vector is L2-normalised, so cosine similarity is the dot product and a stored vector can
 * be compared with pgvector's inner-product or cosine operators interchangeably.
 */
export interface Embedder {
  /** Model identifier; part of the cache scope, since vectors of different models never compare. */
  readonly model: string;
  /** Length of every vector returned by `embed`. */
  readonly dimension: number;
  /** Embeds `texts` in order (batched internally); resolves to one unit-length vector per text. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** An embedder that holds resources (an ONNX session) and can release them. */
export interface DisposableEmbedder extends Embedder {
  close(): Promise<void>;
}

/** Dot product of two vectors of equal length; for unit vectors this is their cosine similarity. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Cosine similarity of two vectors of any length (not assumed normalised). */
export function cosine(a: Float32Array, b: Float32Array): number {
  const denominator = Math.sqrt(dot(a, a) * dot(b, b));
  return denominator === 0 ? 0 : dot(a, b) / denominator;
}
