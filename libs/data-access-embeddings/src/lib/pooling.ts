/** How a model turns per-token hidden states into one sentence vector. */
export type Pooling = 'mean' | 'cls';

/**
 * Scales `v` to unit length in place and returns it. A zero vector stays zero (it has no
 * direction), which makes its similarity to everything 0 rather than NaN.
 */
export function l2Normalise(v: Float32Array): Float32Array {
  let sumSquares = 0;
  for (let i = 0; i < v.length; i++) sumSquares += v[i] * v[i];
  if (sumSquares === 0) return v;
  const scale = 1 / Math.sqrt(sumSquares);
  for (let i = 0; i < v.length; i++) v[i] *= scale;
  return v;
}

/**
 * Pools a `[batch, seqLen, dim]` hidden-state tensor (row-major) into one unit vector per row.
 * `mean` averages the tokens whose attention mask is 1 (padding never counts), as
 * sentence-transformers does for MiniLM and E5; `cls` takes the first token, as BGE does.
 */
export function poolHiddenStates(
  hidden: Float32Array,
  shape: { batch: number; seqLen: number; dim: number },
  attentionMask: ArrayLike<number | bigint>,
  pooling: Pooling,
): Float32Array[] {
  const { batch, seqLen, dim } = shape;
  if (hidden.length !== batch * seqLen * dim) {
    throw new RangeError(`hidden states hold ${hidden.length} values, expected ${batch}×${seqLen}×${dim}`);
  }
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dim);
    if (pooling === 'cls') {
      v.set(hidden.subarray(b * seqLen * dim, b * seqLen * dim + dim));
    } else {
      let count = 0;
      for (let t = 0; t < seqLen; t++) {
        if (Number(attentionMask[b * seqLen + t]) === 0) continue;
        count++;
        const offset = (b * seqLen + t) * dim;
        for (let d = 0; d < dim; d++) v[d] += hidden[offset + d];
      }
      if (count > 0) for (let d = 0; d < dim; d++) v[d] /= count;
    }
    out.push(l2Normalise(v));
  }
  return out;
}
