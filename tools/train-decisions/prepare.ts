import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '@deja/data-access-embeddings';
import { dot } from '@deja/data-access-embeddings';
import { PAIR_FEATURE_NAMES, pairFeatures, textView, type TextView } from '@deja/util-cache-policy';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the pair reader lives in the threshold tool (see bench/src/lib/pairs.ts)
import { readPairs } from '../tune-threshold/pairs';
import { synthesise } from './augment';
import { splitByQuestion, splitCounts, type SplitPair } from './split';
import { VectorStore } from './vectors';

export interface PrepareOptions {
  dataDir: string;
  out: string;
  seed: number;
  valShare: number;
  testShare: number;
  syntheticPerKind: number;
  embedder: Embedder;
}

/** The labelled files the model learns from, and the source name each row carries. */
export const SOURCES = [
  { file: 'qqp_pairs.jsonl', source: 'qqp' },
  { file: 'stsb_train.jsonl', source: 'stsb' },
  { file: 'stsb_dev.jsonl', source: 'stsb' },
] as const;

interface Row {
  textA: string;
  textB: string;
  label: 0 | 1;
  source: string;
  split: string;
}

/**
 * Reads the labelled pairs, splits them by question, adds synthetic pairs (from each split's own
 * questions), embeds every text once with the shipped embedder, and writes one JSON line per pair
 * with its feature vector and the indexes of its two texts in `vectors.f32` — everything the
 * Python trainer needs, computed by the same TypeScript that runs in Deja.
 */
export async function prepare(o: PrepareOptions): Promise<void> {
  mkdirSync(o.out, { recursive: true });
  const labelled = SOURCES.flatMap(({ file, source }) => {
    const parsed = readPairs(join(o.dataDir, file));
    if (parsed.errors.length > 0)
      throw new Error(`${file}: ${parsed.errors.length} bad lines, first: line ${parsed.errors[0].line}`);
    return parsed.pairs.map((p) => ({ ...p, source }));
  });
  const split = splitByQuestion(labelled, o.seed, { val: o.valShare, test: o.testShare });
  const rows: Row[] = [...split, ...syntheticRows(split, o)];
  writeFileSync(join(o.out, 'split.json'), JSON.stringify(splitRecord(split, rows, o), null, 2));
  writeSplitFiles(split, o.out);

  const file = join(o.out, 'vectors');
  const store = VectorStore.load(file, o.embedder.model, o.embedder.dimension);
  const started = Date.now();
  await store.fill(
    rows.flatMap((r) => [r.textA, r.textB]),
    o.embedder,
    file,
    (done, todo) => console.log(`embedded ${done}/${todo} texts (${Math.round((Date.now() - started) / 1000)} s)`),
  );
  await writeFeatures(rows, store, join(o.out, 'pairs.jsonl'));
  console.log(`wrote ${rows.length} pairs to ${join(o.out, 'pairs.jsonl')}`);
}

function syntheticRows(split: readonly SplitPair[], o: PrepareOptions): Row[] {
  return (['train', 'val', 'test'] as const).flatMap((side, i) => {
    const questions = [
      ...new Set(split.filter((p) => p.split === side && p.source === 'qqp').flatMap((p) => [p.textA, p.textB])),
    ];
    const share = side === 'train' ? 1 : side === 'val' ? o.valShare / 0.7 : o.testShare / 0.7;
    const perKind = Math.round(o.syntheticPerKind * share);
    return synthesise(questions, side, perKind, o.seed + i + 1).map((p) => ({ ...p, source: `syn:${p.kind}` }));
  });
}

/** Each split's labelled pairs per source, as `{text_a, text_b, label}` lines for `npm run bench`. */
function writeSplitFiles(split: readonly SplitPair[], out: string): void {
  for (const side of ['train', 'val', 'test'] as const) {
    for (const source of new Set(split.map((p) => p.source))) {
      const lines = split
        .filter((p) => p.split === side && p.source === source)
        .map((p) => JSON.stringify({ text_a: p.textA, text_b: p.textB, label: p.label }));
      writeFileSync(join(out, `${source}-${side}.jsonl`), lines.join('\n') + '\n');
    }
  }
}

function splitRecord(split: readonly SplitPair[], rows: readonly Row[], o: PrepareOptions) {
  return {
    rule: 'connected components of all pairs (duplicate or not) over splitKey(text); component → split by sha256(seed, root)',
    seed: o.seed,
    shares: { train: 1 - o.valShare - o.testShare, val: o.valShare, test: o.testShare },
    files: SOURCES.map((s) => s.file),
    counts: splitCounts(split),
    synthetic: rows.length - split.length,
  };
}

async function writeFeatures(rows: readonly Row[], store: VectorStore, path: string): Promise<void> {
  const index = new Map(store.texts().map((t, i) => [t, i]));
  const views = new Map<string, TextView>();
  const view = (t: string) => {
    let v = views.get(t);
    if (!v) views.set(t, (v = textView(t)));
    return v;
  };
  const out = createWriteStream(path);
  out.write(JSON.stringify({ features: PAIR_FEATURE_NAMES, model: store.model }) + '\n');
  for (const r of rows) {
    const cosine = dot(store.get(r.textA), store.get(r.textB));
    const f = Array.from(pairFeatures(view(r.textA), view(r.textB), cosine), (x) => Math.round(x * 1e6) / 1e6);
    out.write(
      JSON.stringify({ a: index.get(r.textA), b: index.get(r.textB), y: r.label, src: r.source, split: r.split, f }) +
        '\n',
    );
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}
