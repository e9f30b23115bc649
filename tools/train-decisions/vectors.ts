import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Embedder } from '@deja/data-access-embeddings';

/**
 * Sentence vectors for every text of the training data, embedded once by the shipped embedder
 * (the same ONNX graph, tokenizer and pooling that Deja stores) and kept in a file pair
 * `<file>.f32` + `<file>.json`, so re-training or changing a feature never re-embeds.
 */
export class VectorStore {
  private readonly vectors = new Map<string, Float32Array>();

  constructor(
    readonly model: string,
    readonly dimension: number,
  ) {}

  static load(file: string, model: string, dimension: number): VectorStore {
    const store = new VectorStore(model, dimension);
    if (!existsSync(`${file}.json`) || !existsSync(`${file}.f32`)) return store;
    const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as {
      model: string;
      dimension: number;
      texts: string[];
    };
    if (meta.model !== model || meta.dimension !== dimension) return store;
    const raw = readFileSync(`${file}.f32`);
    const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    meta.texts.forEach((t, i) => store.vectors.set(t, all.slice(i * dimension, (i + 1) * dimension)));
    return store;
  }

  /** Every known text, in the order of the vectors in the saved file. */
  texts(): string[] {
    return [...this.vectors.keys()];
  }

  get size(): number {
    return this.vectors.size;
  }

  get(text: string): Float32Array {
    const v = this.vectors.get(text);
    if (!v) throw new Error(`no vector for ${JSON.stringify(text.slice(0, 80))}`);
    return v;
  }

  /** Embeds the texts not yet known, saving to `file` every `saveEvery` texts (a long run can be resumed). */
  async fill(
    texts: Iterable<string>,
    embedder: Embedder,
    file: string,
    log: (done: number, todo: number) => void,
  ): Promise<void> {
    const todo = [...new Set(texts)].filter((t) => !this.vectors.has(t));
    const chunk = 256;
    const saveEvery = 8192;
    for (let i = 0; i < todo.length; i += chunk) {
      const part = todo.slice(i, i + chunk);
      const out = await embedder.embed(part);
      part.forEach((t, j) => this.vectors.set(t, out[j]));
      const done = Math.min(i + chunk, todo.length);
      if (done % saveEvery < chunk || done === todo.length) {
        this.save(file);
        log(done, todo.length);
      }
    }
  }

  save(file: string): void {
    const texts = [...this.vectors.keys()];
    const all = new Float32Array(texts.length * this.dimension);
    texts.forEach((t, i) => all.set(this.vectors.get(t) as Float32Array, i * this.dimension));
    writeFileSync(`${file}.f32`, Buffer.from(all.buffer));
    writeFileSync(`${file}.json`, JSON.stringify({ model: this.model, dimension: this.dimension, texts }));
  }
}
