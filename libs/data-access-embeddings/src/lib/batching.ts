/**
 * Groups item indices into batches, shortest first, so each batch pads to a similar length.
 * On CPU a run costs about the same per token position whether batched or not, so padding is
 * pure waste: a batch closes at `maxBatch` items or when padding to its longest member would
 * cost more than `maxPaddingRatio` times its real tokens (one long prompt never makes 31 short
 * queries pay for its length).
 */
export function planBatches(lengths: readonly number[], maxBatch: number, maxPaddingRatio = 1.25): number[][] {
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  let realTokens = 0;
  for (const i of order) {
    const padded = (current.length + 1) * lengths[i];
    if (current.length > 0 && (current.length === maxBatch || padded > maxPaddingRatio * (realTokens + lengths[i]))) {
      batches.push(current);
      current = [];
      realTokens = 0;
    }
    current.push(i);
    realTokens += lengths[i];
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Cuts a token sequence to `maxTokens`, keeping its last token: the closing `[SEP]` the model
 * was trained to see (transformers.js' own truncation drops it; Python's keeps it).
 */
export function truncateKeepingLast(ids: readonly number[], maxTokens: number): number[] {
  if (maxTokens < 2) throw new RangeError(`maxTokens must be at least 2, got ${maxTokens}`);
  if (ids.length <= maxTokens) return [...ids];
  return [...ids.slice(0, maxTokens - 1), ids[ids.length - 1]];
}

/** Row-major int64 inputs for a BERT-style ONNX graph. */
export interface PaddedBatch {
  readonly batch: number;
  readonly seqLen: number;
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly tokenTypeIds: BigInt64Array;
}

/** Right-pads token sequences to the longest one; the mask marks real tokens with 1. */
export function padBatch(rows: ReadonlyArray<readonly number[]>, padId: number): PaddedBatch {
  if (rows.length === 0) throw new RangeError('cannot pad an empty batch');
  const seqLen = Math.max(...rows.map((r) => r.length));
  const size = rows.length * seqLen;
  const inputIds = new BigInt64Array(size).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(size);
  rows.forEach((row, b) => {
    for (let t = 0; t < row.length; t++) {
      inputIds[b * seqLen + t] = BigInt(row[t]);
      attentionMask[b * seqLen + t] = 1n;
    }
  });
  return { batch: rows.length, seqLen, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(size) };
}
