import { createHash } from 'node:crypto';
import type { Embedder } from '../lib/embedder';
import { l2Normalise } from '../lib/pooling';

/**
 * TEST DOUBLE ONLY — never a default or a fallback: its vectors carry no meaning beyond shared
 * words. Hashes lower-cased word tokens into `dimension` buckets (signed), so identical texts
 * get identical unit vectors and texts sharing words get positive similarity. Deterministic and
 * instant, for unit tests of code that needs some `Embedder`.
 */
export class HashingTestEmbedder implements Embedder {
  readonly model: string;

  constructor(readonly dimension = 64) {
    this.model = `test-hashing-${dimension}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => {
      const v = new Float32Array(this.dimension);
      for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
        const h = createHash('sha256').update(word).digest();
        v[h.readUInt32BE(0) % this.dimension] += h[4] & 1 ? 1 : -1;
      }
      return l2Normalise(v);
    });
  }
}
