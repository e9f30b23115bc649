import { l2Normalise, poolHiddenStates } from './pooling';

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('l2Normalise', () => {
  it('scales a vector to unit length keeping its direction', () => {
    const v = l2Normalise(Float32Array.from([3, 4]));
    expect(Array.from(v)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
  });

  it('leaves a zero vector at zero instead of producing NaN', () => {
    expect(Array.from(l2Normalise(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});

describe('poolHiddenStates', () => {
  // batch 2, seqLen 3, dim 2; row 1's last token is padding.
  const hidden = Float32Array.from([1, 0, 3, 0, 5, 0, 0, 2, 0, 4, 9, 9]);
  const mask = [1, 1, 1, 1, 1, 0];

  it('mean pooling averages only unmasked tokens, so padding never shifts the vector', () => {
    const [a, b] = poolHiddenStates(hidden, { batch: 2, seqLen: 3, dim: 2 }, mask, 'mean');
    expect(Array.from(a)).toEqual([1, 0]); // mean (3, 0) normalised
    expect(Array.from(b)).toEqual([0, 1]); // mean (0, 3) normalised — the 9s are padding
  });

  it('cls pooling takes the first token of each row', () => {
    const [a, b] = poolHiddenStates(hidden, { batch: 2, seqLen: 3, dim: 2 }, mask, 'cls');
    expect(Array.from(a)).toEqual([1, 0]);
    expect(Array.from(b)).toEqual([0, 1]);
  });

  it('returns unit vectors', () => {
    const random = Float32Array.from({ length: 2 * 4 * 8 }, (_, i) => Math.sin(i * 1.7) * 3);
    for (const v of poolHiddenStates(random, { batch: 2, seqLen: 4, dim: 8 }, [1, 1, 1, 0, 1, 1, 0, 0], 'mean')) {
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('accepts the bigint masks that ONNX int64 inputs use', () => {
    const [a] = poolHiddenStates(
      hidden,
      { batch: 2, seqLen: 3, dim: 2 },
      BigInt64Array.from([1n, 0n, 0n, 1n, 1n, 0n]),
      'mean',
    );
    expect(Array.from(a)).toEqual([1, 0]);
  });

  it('rejects a tensor whose size does not match the shape', () => {
    expect(() => poolHiddenStates(hidden, { batch: 2, seqLen: 2, dim: 2 }, mask, 'mean')).toThrow(RangeError);
  });
});
