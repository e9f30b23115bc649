import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Embedder } from '@deja/data-access-embeddings';
import { Progress } from './report';

/**
 * The real embedder, with the benchmark's texts embedded up front in large batches (what a
 * service does one query at a time). Lookups then pay no model time, so a run over tens of
 * thousands of pairs is bounded by the model once, not per pair. Texts it has not seen (the
 * acronym re-scoring's expanded texts) go to the real embedder: the vectors are identical.
 */
export class PrecomputedEmbedder implements Embedder {
  readonly model: string;
  readonly dimension: number;
  private readonly vectors = new Map<string, Float32Array>();
  /** Texts that were not precomputed and went to the model. */
  misses = 0;

  constructor(private readonly inner: Embedder) {
    this.model = inner.model;
    this.dimension = inner.dimension;
  }

  /**
   * Embeds every text not yet known, in chunks, with a progress line. With `cacheFile`, vectors
   * of an earlier run with the same model are reused and the file is rewritten with all of them.
   */
  async prepare(texts: Iterable<string>, cacheFile?: string): Promise<void> {
    if (cacheFile) this.load(cacheFile);
    const todo = [...new Set(texts)].filter((t) => !this.vectors.has(t));
    const progress = new Progress('embedding', todo.length, 'texts');
    const chunk = 256;
    for (let i = 0; i < todo.length; i += chunk) {
      const part = todo.slice(i, i + chunk);
      const out = await this.inner.embed(part);
      part.forEach((t, j) => this.vectors.set(t, out[j]));
      progress.tick(Math.min(i + chunk, todo.length));
    }
    if (cacheFile && todo.length > 0) this.save(cacheFile);
  }

  /** The vector of a precomputed text. */
  vector(text: string): Float32Array {
    const v = this.vectors.get(text);
    if (!v) throw new Error(`text was not precomputed: ${JSON.stringify(text.slice(0, 80))}`);
    return v;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const unknown = [...new Set(texts.filter((t) => !this.vectors.has(t)))];
    if (unknown.length > 0) {
      this.misses += unknown.length;
      const out = await this.inner.embed(unknown);
      unknown.forEach((t, i) => this.vectors.set(t, out[i]));
    }
    return texts.map((t) => this.vectors.get(t) as Float32Array);
  }

  private load(file: string): void {
    if (!existsSync(`${file}.json`) || !existsSync(`${file}.f32`)) return;
    const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as {
      model: string;
      dimension: number;
      texts: string[];
    };
    if (meta.model !== this.model || meta.dimension !== this.dimension) return;
    const raw = readFileSync(`${file}.f32`);
    const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    meta.texts.forEach((t, i) => this.vectors.set(t, all.slice(i * meta.dimension, (i + 1) * meta.dimension)));
  }

  private save(file: string): void {
    const texts = [...this.vectors.keys()];
    const all = new Float32Array(texts.length * this.dimension);
    texts.forEach((t, i) => all.set(this.vectors.get(t) as Float32Array, i * this.dimension));
    writeFileSync(`${file}.f32`, Buffer.from(all.buffer));
    writeFileSync(`${file}.json`, JSON.stringify({ model: this.model, dimension: this.dimension, texts }));
  }
}
