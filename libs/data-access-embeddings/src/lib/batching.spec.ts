import { padBatch, planBatches, truncateKeepingLast } from './batching';

describe('planBatches', () => {
  it('covers every index exactly once in batches of at most maxBatch', () => {
    const lengths = [5, 1, 9, 3, 3, 7, 2];
    const batches = planBatches(lengths, 3);
    expect(batches.every((b) => b.length <= 3)).toBe(true);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('groups similar lengths together, shortest first', () => {
    expect(planBatches([50, 2, 40, 3], 2, 2)).toEqual([
      [1, 3],
      [2, 0],
    ]);
  });

  it('closes a batch rather than pad short texts to a long one', () => {
    // 10, 10, 11 fit together (33 positions for 31 tokens); 40 would pad them to 160 for 71.
    expect(planBatches([10, 40, 10, 11], 32)).toEqual([[0, 2, 3], [1]]);
  });

  it('keeps equal lengths in full batches', () => {
    expect(
      planBatches(
        Array.from({ length: 5 }, () => 16),
        2,
      ).map((b) => b.length),
    ).toEqual([2, 2, 1]);
  });

  it('rejects a non-positive batch size', () => {
    expect(() => planBatches([1], 0)).toThrow(RangeError);
  });
});

describe('truncateKeepingLast', () => {
  it('keeps short sequences unchanged', () => {
    expect(truncateKeepingLast([101, 7, 102], 4)).toEqual([101, 7, 102]);
  });

  it('cuts long sequences to the limit but keeps the closing token', () => {
    expect(truncateKeepingLast([101, 1, 2, 3, 4, 102], 4)).toEqual([101, 1, 2, 102]);
  });
});

describe('padBatch', () => {
  it('right-pads to the longest row and masks the padding', () => {
    const b = padBatch(
      [
        [101, 5, 102],
        [101, 102],
      ],
      0,
    );
    expect(b.seqLen).toBe(3);
    expect(Array.from(b.inputIds)).toEqual([101n, 5n, 102n, 101n, 102n, 0n]);
    expect(Array.from(b.attentionMask)).toEqual([1n, 1n, 1n, 1n, 1n, 0n]);
    expect(Array.from(b.tokenTypeIds)).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
  });

  it('refuses an empty batch', () => {
    expect(() => padBatch([], 0)).toThrow(RangeError);
  });
});
