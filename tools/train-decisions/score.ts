import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decisionModelFrom } from '@deja/util-cache-policy';
import { readFileSync } from 'node:fs';
import { VectorStore } from './vectors';

/**
 * Scores every validation and test pair with the shipped TypeScript runtime (not the trainer),
 * writing `scored.jsonl` — what the plot, the audits and the docs' figures are read from.
 */
export async function scorePairs(dir: string, weightsFile: string): Promise<void> {
  const model = decisionModelFrom(JSON.parse(readFileSync(weightsFile, 'utf8')));
  const store = VectorStore.load(join(dir, 'vectors'), model.embeddingModel, 384);
  const texts = store.texts();
  const out = createWriteStream(join(dir, 'scored.jsonl'));
  let header = true;
  for await (const line of createInterface({ input: createReadStream(join(dir, 'pairs.jsonl')) })) {
    if (header) {
      header = false;
      continue;
    }
    const r = JSON.parse(line) as { a: number; b: number; y: number; src: string; split: string; f: number[] };
    if (r.split === 'train') continue;
    const p = model.probability(Float64Array.from(r.f), {
      query: store.get(texts[r.a]),
      candidate: store.get(texts[r.b]),
    });
    const guards = r.f.slice(17, 23);
    out.write(
      JSON.stringify({ a: r.a, b: r.b, y: r.y, src: r.src, split: r.split, cos: r.f[0], p: round(p), g: guards }) +
        '\n',
    );
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
