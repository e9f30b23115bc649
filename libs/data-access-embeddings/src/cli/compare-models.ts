/**
 * Compares local embedding models on labelled paraphrase pairs, for choosing the default model.
 *
 *   npm run build
 *   scripts/setup-model.sh --all
 *   node dist/libs/data-access-embeddings/src/cli/compare-models.js \
 *     [--models a,b] [--data DIR] [--sample 5000] [--seed 42] [--timing-threads 1,2] [--out FILE.json]
 *
 * Prints a Markdown report (the numbers in docs/embeddings.md) and writes the raw numbers as JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededSample as sample } from '@deja/util-random';
import { defaultModelsDir } from '../lib/create-embedder';
import { dot } from '../lib/embedder';
import { LocalOnnxEmbedder } from '../lib/local-onnx.embedder';
import { KNOWN_LOCAL_MODELS } from '../lib/model-manifest';
import { bestAtFalseHitRate, rocAuc, spearman, thresholdGrid, thresholdRow, type ThresholdRow } from './pair-metrics';

interface Pair {
  text_a: string;
  text_b: string;
  label: 0 | 1 | null;
  score?: number;
}

interface DatasetResult {
  name: string;
  pairs: number;
  labelled: number;
  positives: number;
  rocAuc: number;
  spearman?: number;
  thresholds: ThresholdRow[];
  bestAtFalseHitRate: Record<string, ThresholdRow | null>;
  meanCosine: { positives: number; negatives: number };
}

interface TimingResult {
  threads: number;
  /** Texts per ONNX run (the embedder's default for the model unless --batch-size is given). */
  batchSize: number;
  /** 1-minute load average when the timing started: other processes share the 2 cores. */
  loadAverage: number;
  singleMs: { median: number; p95: number };
  batch32Ms: { median: number; p95: number; perTextMs: number };
}

interface ModelResult {
  model: string;
  loadMs: number;
  embedTextsPerSecond: number;
  datasets: DatasetResult[];
  timings: TimingResult[];
}

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: KNOWN_LOCAL_MODELS.join(',') },
    'models-dir': { type: 'string', default: process.env['DEJA_MODELS_DIR'] ?? defaultModelsDir() },
    data: { type: 'string', default: '/work/shared/bench-data' },
    sample: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '42' },
    threads: { type: 'string', default: '1' },
    'timing-threads': { type: 'string', default: '1,2' },
    'timing-rounds': { type: 'string', default: '100' },
    'batch-size': { type: 'string' },
    'timing-only': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

function readPairs(file: string): Pair[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Pair);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Embeds every distinct text once and returns the cosine of each pair. */
async function pairCosines(
  embedder: LocalOnnxEmbedder,
  pairs: Pair[],
): Promise<{ cosines: number[]; texts: number; ms: number }> {
  const texts = [...new Set(pairs.flatMap((p) => [p.text_a, p.text_b]))];
  const started = performance.now();
  const vectors = await embedder.embed(texts);
  const ms = performance.now() - started;
  const byText = new Map(texts.map((t, i) => [t, vectors[i]]));
  const vectorOf = (text: string): Float32Array => {
    const v = byText.get(text);
    if (!v) throw new Error(`no vector for ${JSON.stringify(text)}`);
    return v;
  };
  return { cosines: pairs.map((p) => dot(vectorOf(p.text_a), vectorOf(p.text_b))), texts: texts.length, ms };
}

function evaluate(name: string, pairs: Pair[], cosines: number[]): DatasetResult {
  const labelledIdx = pairs.map((p, i) => (p.label === 0 || p.label === 1 ? i : -1)).filter((i) => i >= 0);
  const scores = labelledIdx.map((i) => cosines[i]);
  const labels = labelledIdx.map((i) => pairs[i].label as number);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const withScore = pairs.map((p, i) => [p.score, cosines[i]] as const).filter(([s]) => typeof s === 'number');
  const best: Record<string, ThresholdRow | null> = {};
  for (const bound of [0.01, 0.02, 0.05, 0.1]) best[String(bound)] = bestAtFalseHitRate(scores, labels, bound) ?? null;
  return {
    name,
    pairs: pairs.length,
    labelled: labels.length,
    positives: labels.filter((l) => l === 1).length,
    rocAuc: rocAuc(scores, labels),
    ...(withScore.length > 0
      ? {
          spearman: spearman(
            withScore.map(([s]) => s as number),
            withScore.map(([, c]) => c),
          ),
        }
      : {}),
    thresholds: thresholdGrid().map((t) => thresholdRow(scores, labels, t)),
    bestAtFalseHitRate: best,
    meanCosine: {
      positives: mean(scores.filter((_, i) => labels[i] === 1)),
      negatives: mean(scores.filter((_, i) => labels[i] === 0)),
    },
  };
}

async function time(
  modelsDir: string,
  model: string,
  threads: number,
  batchSize: number | undefined,
  queries: string[],
  rounds: number,
): Promise<TimingResult> {
  const embedder = await LocalOnnxEmbedder.load({ model, modelsDir, threads, ...(batchSize ? { batchSize } : {}) });
  const loadAverage = loadavg()[0];
  try {
    const single: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await embedder.embed([queries[i % queries.length]]);
      single.push(performance.now() - t);
    }
    const batch: number[] = [];
    for (let i = 0; i < Math.max(10, Math.floor(rounds / 5)); i++) {
      const chunk = Array.from({ length: 32 }, (_, k) => queries[(i * 32 + k) % queries.length]);
      const t = performance.now();
      await embedder.embed(chunk);
      batch.push(performance.now() - t);
    }
    const batchMedian = percentile(batch, 0.5);
    return {
      threads,
      batchSize: embedder.batchSize,
      loadAverage,
      singleMs: { median: percentile(single, 0.5), p95: percentile(single, 0.95) },
      batch32Ms: { median: batchMedian, p95: percentile(batch, 0.95), perTextMs: batchMedian / 32 },
    };
  } finally {
    await embedder.close();
  }
}

const pct = (x: number) => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`);
const num = (x: number, digits = 3) => (Number.isNaN(x) ? '–' : x.toFixed(digits));

function markdown(results: ModelResult[], meta: Record<string, unknown>): string {
  const lines: string[] = [`Run: ${JSON.stringify(meta)}`, '', ...summaryTables(results)];
  for (const r of results) for (const d of r.datasets) lines.push(...datasetTables(r.model, d));
  return lines.join('\n');
}

/** Separation per model, then timings per model and thread count. */
function summaryTables(results: ModelResult[]): string[] {
  const lines = [
    '| model | QQP ROC-AUC | STS-B ROC-AUC | STS-B Spearman | load ms | texts/s (batched) |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const [qqp, sts] = r.datasets;
    if (!qqp || !sts) continue;
    lines.push(
      `| ${r.model} | ${num(qqp.rocAuc)} | ${num(sts.rocAuc)} | ${num(sts.spearman ?? Number.NaN)} | ${r.loadMs.toFixed(0)} | ${r.embedTextsPerSecond.toFixed(0)} |`,
    );
  }
  lines.push(
    '',
    '| model | threads | texts per run | load avg | single query median / p95 ms | 32 texts median / p95 ms | per text of 32 ms |',
    '|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    for (const t of r.timings) {
      lines.push(
        `| ${r.model} | ${t.threads} | ${t.batchSize} | ${t.loadAverage.toFixed(1)} | ${num(t.singleMs.median, 1)} / ${num(t.singleMs.p95, 1)} | ${num(t.batch32Ms.median, 1)} / ${num(t.batch32Ms.p95, 1)} | ${num(t.batch32Ms.perTextMs, 2)} |`,
      );
    }
  }
  return lines;
}

/** One model on one dataset: the threshold sweep and the best threshold per false-hit bound. */
function datasetTables(model: string, d: ModelResult['datasets'][number]): string[] {
  const lines = [
    '',
    `### ${model} on ${d.name} (${d.labelled} labelled pairs, ${d.positives} positive; mean cosine + ${num(d.meanCosine.positives)} / − ${num(d.meanCosine.negatives)})`,
    '',
    '| threshold | precision | recall | false-hit rate | hit rate | tp | fp |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of d.thresholds) {
    lines.push(
      `| ${row.threshold.toFixed(2)} | ${pct(row.precision)} | ${pct(row.recall)} | ${pct(row.falseHitRate)} | ${pct(row.hitRate)} | ${row.tp} | ${row.fp} |`,
    );
  }
  lines.push('', '| false-hit rate at most | lowest threshold | recall | precision |', '|---|---|---|---|');
  for (const [bound, row] of Object.entries(d.bestAtFalseHitRate)) {
    lines.push(
      row
        ? `| ${pct(Number(bound))} | ${num(row.threshold, 4)} | ${pct(row.recall)} | ${pct(row.precision)} |`
        : `| ${pct(Number(bound))} | unreachable | – | – |`,
    );
  }
  return lines;
}

interface Run {
  modelsDir: string;
  threads: number;
  timingThreads: number[];
  rounds: number;
  batchSize: number | undefined;
  qqp: ReturnType<typeof readPairs>;
  sts: ReturnType<typeof readPairs>;
  queries: string[];
}

async function main(): Promise<void> {
  const models = args.models
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const sampleSize = Number(args.sample);
  const seed = Number(args.seed);
  const qqp = sample(readPairs(join(args.data, 'qqp_pairs.jsonl')), sampleSize, seed);
  const run: Run = {
    modelsDir: args['models-dir'],
    threads: Number(args.threads),
    timingThreads: args['timing-threads'].split(',').filter(Boolean).map(Number),
    rounds: Number(args['timing-rounds']),
    batchSize: args['batch-size'] ? Number(args['batch-size']) : undefined,
    qqp,
    sts: readPairs(join(args.data, 'stsb_dev.jsonl')),
    queries: sample([...new Set(qqp.map((p) => p.text_a))], 640, seed + 1),
  };
  const meta = {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    qqpSample: qqp.length,
    seed,
    sts: run.sts.length,
    threads: run.threads,
    batchSize: run.batchSize ?? 'model default',
  };
  console.error(
    `comparing ${models.join(', ')} on ${qqp.length} QQP pairs (seed ${seed}) and ${run.sts.length} STS-B dev pairs`,
  );
  const results: ModelResult[] = [];
  for (const model of models) results.push(await compareOne(model, run));
  if (args.out) writeFileSync(args.out, JSON.stringify({ meta, results }, null, 2));
  console.log(markdown(results, meta));
}

/** Times one model at each thread count, then (unless --timing-only) scores it on both datasets. */
async function compareOne(model: string, run: Run): Promise<ModelResult> {
  const timings: TimingResult[] = [];
  for (const t of run.timingThreads)
    timings.push(await time(run.modelsDir, model, t, run.batchSize, run.queries, run.rounds));
  if (args['timing-only']) {
    console.error(`${model}: timed`);
    return { model, loadMs: Number.NaN, embedTextsPerSecond: Number.NaN, datasets: [], timings };
  }
  const started = performance.now();
  const embedder = await LocalOnnxEmbedder.load({
    model,
    modelsDir: run.modelsDir,
    threads: run.threads,
    ...(run.batchSize ? { batchSize: run.batchSize } : {}),
  });
  const loadMs = performance.now() - started;
  const q = await pairCosines(embedder, run.qqp);
  const s = await pairCosines(embedder, run.sts);
  await embedder.close();
  const result: ModelResult = {
    model,
    loadMs,
    embedTextsPerSecond: (q.texts + s.texts) / ((q.ms + s.ms) / 1000),
    datasets: [evaluate(`QQP sample`, run.qqp, q.cosines), evaluate('STS-B dev', run.sts, s.cosines)],
    timings,
  };
  console.error(
    `${model}: QQP AUC ${num(result.datasets[0].rocAuc)}, STS-B AUC ${num(result.datasets[1].rocAuc)}, ${result.embedTextsPerSecond.toFixed(0)} texts/s`,
  );
  return result;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
