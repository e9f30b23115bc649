/**
 * Offline threshold tuning: embeds labelled query pairs with the real embedder and prints
 * precision / recall / false-hit rate per threshold, with and without the false-hit guards,
 * what each guard buys, and the lowest threshold that meets a target false-hit rate.
 *
 *   npm run build && npx swc tools -d dist --config-file swc.build.json
 *   node dist/tools/tune-threshold/main.js --data /work/shared/bench-data/qqp_pairs.jsonl \
 *     --limit 10000 --seed 42 --target-fhr 0.02 --out tmp/qqp.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Embedder } from '@deja/data-access-embeddings';
import { createEmbedder, createEmbedderFromEnv, dot } from '@deja/data-access-embeddings';
import type { ScoredPair } from '@deja/util-cache-policy';
import { DEFAULT_THRESHOLD, GUARDS, thresholdRange } from '@deja/util-cache-policy';
import type { LabelledPair } from './pairs';
import { readPairs, samplePairs } from './pairs';
import { buildReport, renderReport } from './report';

const USAGE = `usage: tune-threshold --data FILE [--limit N] [--seed S] [--target-fhr 0.02] [--min-recall 0.1]
                      [--from 0.80] [--to 0.99] [--step 0.01] [--model NAME] [--out FILE.json]
                      [--pairs-out FILE.jsonl] [--scores-from FILE.jsonl] [--examples N] [--at T]
  --at         also show what each guard buys at this threshold (default: DEFAULT_THRESHOLD)
  --pairs-out  every scored pair (texts, label, similarity, vetoing guards), to study without re-embedding
  --scores-from  reuse the similarities of an earlier --pairs-out (same --data/--limit/--seed): re-scores
               the guards in seconds instead of re-embedding
  --examples   print the N most similar wrong hits that no guard caught, and N right hits a guard refused`;

interface Options {
  data: string;
  limit: number | undefined;
  seed: number;
  targetFhr: number;
  minRecall: number;
  from: number;
  to: number;
  step: number;
  model: string | undefined;
  out: string | undefined;
  pairsOut: string | undefined;
  scoresFrom: string | undefined;
  examples: number;
  at: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      limit: { type: 'string' },
      seed: { type: 'string', default: '42' },
      'target-fhr': { type: 'string', default: '0.02' },
      'min-recall': { type: 'string', default: '0.1' },
      from: { type: 'string', default: '0.80' },
      to: { type: 'string', default: '0.99' },
      step: { type: 'string', default: '0.01' },
      model: { type: 'string' },
      out: { type: 'string' },
      'pairs-out': { type: 'string' },
      'scores-from': { type: 'string' },
      examples: { type: 'string', default: '0' },
      at: { type: 'string', default: String(DEFAULT_THRESHOLD) },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const problems: string[] = [];
  const num = (name: string, raw: string | undefined, check: (n: number) => boolean): number => {
    const n = Number(raw);
    if (raw === undefined || !Number.isFinite(n) || !check(n))
      problems.push(`--${name} ${raw ?? '(missing)'} is not valid`);
    return n;
  };
  if (!values.data) problems.push('--data FILE is required');
  const options: Options = {
    data: values.data ?? '',
    limit: values.limit === undefined ? undefined : num('limit', values.limit, (n) => Number.isInteger(n) && n > 0),
    seed: num('seed', values.seed, Number.isInteger),
    targetFhr: num('target-fhr', values['target-fhr'], (n) => n >= 0 && n <= 1),
    minRecall: num('min-recall', values['min-recall'], (n) => n >= 0 && n <= 1),
    from: num('from', values.from, (n) => n >= -1 && n <= 1),
    to: num('to', values.to, (n) => n >= -1 && n <= 1),
    step: num('step', values.step, (n) => n > 0 && n <= 1),
    model: values.model,
    out: values.out,
    pairsOut: values['pairs-out'],
    scoresFrom: values['scores-from'],
    examples: num('examples', values.examples, (n) => Number.isInteger(n) && n >= 0),
    at: num('at', values.at, (n) => n >= -1 && n <= 1),
  };
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\n${USAGE}`);
    process.exit(2);
  }
  return options;
}

async function embedAll(embedder: Embedder, texts: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  const chunk = 512;
  const started = Date.now();
  for (let i = 0; i < texts.length; i += chunk) {
    out.push(...(await embedder.embed(texts.slice(i, i + chunk))));
    const done = Math.min(i + chunk, texts.length);
    const rate = done / ((Date.now() - started) / 1000);
    process.stderr.write(`\rembedded ${done}/${texts.length} texts (${rate.toFixed(0)}/s)   `);
  }
  process.stderr.write('\n');
  return out;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const parsed = readPairs(options.data);
  for (const error of parsed.errors.slice(0, 20)) console.error(`${options.data}:${error.line}: ${error.message}`);
  if (parsed.errors.length > 20) console.error(`… and ${parsed.errors.length - 20} more bad lines`);
  const pairs = samplePairs(parsed.pairs, options.limit, options.seed);
  if (pairs.length === 0) throw new Error(`${options.data}: no labelled pairs to evaluate`);

  const { model, dimension, similarities } = options.scoresFrom
    ? readScores(options.scoresFrom, pairs)
    : await embedAndScore(options.model, pairs);

  const scored: Array<ScoredPair & { vetoedBy: string[] }> = pairs.map((p, i) => ({
    similarity: similarities[i],
    label: p.label,
    // Every guard on its own, so any subset can be scored without re-running them.
    vetoedBy: GUARDS.filter((g) => !g.check(p.textB, p.textA).ok).map((g) => g.name),
  }));

  const report = buildReport(
    {
      data: options.data,
      model,
      dimension,
      seed: options.seed,
      limit: options.limit ?? null,
      unlabelled: parsed.unlabelled,
      badLines: parsed.errors.length,
      target: { maxFalseHitRate: options.targetFhr, minRecall: options.minRecall },
      thresholds: thresholdRange(options.from, options.to, options.step),
    },
    scored,
  );
  console.log(renderReport(report, options.at));
  if (options.examples > 0) {
    const threshold = report.recommended.withGuards?.threshold ?? options.at;
    const rows = pairs.map((p, i) => ({ ...p, ...scored[i] })).sort((a, b) => b.similarity - a.similarity);
    const show = (title: string, keep: (r: (typeof rows)[number]) => boolean) => {
      console.log(`\n${title} (threshold ${threshold.toFixed(2)})`);
      for (const r of rows.filter(keep).slice(0, options.examples)) {
        console.log(
          `  ${r.similarity.toFixed(3)}  line ${r.line}  ${JSON.stringify(r.textA)}  ~  ${JSON.stringify(r.textB)}${r.vetoedBy.length ? `  [${r.vetoedBy.join(', ')}]` : ''}`,
        );
      }
    };
    show(
      'most similar wrong hits no guard caught',
      (r) => r.label === 0 && r.similarity >= threshold && r.vetoedBy.length === 0,
    );
    show(
      'most similar right hits a guard refused',
      (r) => r.label === 1 && r.similarity >= threshold && r.vetoedBy.length > 0,
    );
  }
  if (options.pairsOut) {
    const lines = pairs.map((p, i) =>
      JSON.stringify({
        line: p.line,
        text_a: p.textA,
        text_b: p.textB,
        label: p.label,
        similarity: scored[i].similarity,
        vetoed_by: scored[i].vetoedBy,
        model,
        dimension,
      }),
    );
    writeFileSync(options.pairsOut, `${lines.join('\n')}\n`);
    console.error(`wrote ${options.pairsOut}`);
  }
  if (options.out) {
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    console.error(`wrote ${options.out}`);
  }
}

interface Scores {
  model: string;
  dimension: number;
  similarities: number[];
}

async function embedAndScore(modelName: string | undefined, pairs: readonly LabelledPair[]): Promise<Scores> {
  const embedder = modelName
    ? await createEmbedder({ provider: 'local', model: modelName })
    : await createEmbedderFromEnv();
  const index = new Map<string, number>();
  for (const p of pairs) for (const t of [p.textA, p.textB]) if (!index.has(t)) index.set(t, index.size);
  const vectors = await embedAll(embedder, [...index.keys()]);
  const similarities = pairs.map((p) =>
    dot(vectors[index.get(p.textA) as number], vectors[index.get(p.textB) as number]),
  );
  await (embedder as Embedder & { close?: () => Promise<void> }).close?.();
  return { model: embedder.model, dimension: embedder.dimension, similarities };
}

/** Similarities from an earlier --pairs-out, matched by source line; every pair must be there. */
function readScores(file: string, pairs: readonly LabelledPair[]): Scores {
  const byLine = new Map<number, { similarity: number; model: string; dimension: number }>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (raw.trim().length === 0) continue;
    const row = JSON.parse(raw) as { line: number; similarity: number; model: string; dimension: number };
    byLine.set(row.line, row);
  }
  const missing = pairs.filter((p) => !byLine.has(p.line));
  if (missing.length > 0)
    throw new Error(
      `${file} has no score for ${missing.length} pair(s) (first: line ${missing[0].line}); use the same --data, --limit and --seed`,
    );
  const first = byLine.get(pairs[0].line) as { model: string; dimension: number };
  return {
    model: first.model,
    dimension: first.dimension,
    similarities: pairs.map((p) => (byLine.get(p.line) as { similarity: number }).similarity),
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `tune-threshold: ${error.message}` : error);
  process.exit(1);
});
