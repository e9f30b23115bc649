/**
 * Trains Deja's decision model: the learned second stage that decides whether a cached answer
 * may serve a new question (docs/cache-decisions.md).
 *
 *   npm run train-decisions -- prepare [--data-dir ../shared/bench-data] [--out tmp/train-decisions]
 *   npm run train-decisions -- train   [--out tmp/train-decisions]   (Python: numpy, scikit-learn)
 *   npm run train-decisions -- fixtures  (re-scores the adversarial test fixtures with the embedder)
 *
 * `prepare` splits the labelled pairs by question, adds synthetic pairs, embeds every text with
 * the shipped embedder and writes features; `train` fits and calibrates the model on the train
 * and validation splits, reports test-split figures only, and writes the weights file that
 * `libs/util-cache-policy` loads.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder } from '@deja/data-access-embeddings';
import { readFileSync, writeFileSync } from 'node:fs';
import { retrievalReport } from './retrieval-report';
import { scoreFixtures } from './fixtures';
import { scorePairs } from './score';
import { prepare } from './prepare';

const USAGE = `usage: train-decisions prepare|train|fixtures [--data-dir DIR] [--out DIR] [--seed N] [--synthetic-per-kind N]
                       [--weights FILE] [--model NAME] [--threads N]`;
const REPO = resolve(__dirname, '..', '..', '..');

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string', default: resolve(REPO, '..', 'shared', 'bench-data') },
      out: { type: 'string', default: join(REPO, 'tmp', 'train-decisions') },
      seed: { type: 'string', default: '7' },
      'synthetic-per-kind': { type: 'string', default: '3000' },
      weights: { type: 'string', default: join(REPO, 'libs/util-cache-policy/src/lib/decision/decision-model.json') },
      model: { type: 'string' },
      threads: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !['prepare', 'train', 'fixtures'].includes(command ?? '')) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command === 'fixtures') {
    const embedder = await createEmbedder({ provider: 'local', model: values.model });
    await scoreFixtures(
      join(REPO, 'libs/util-cache-policy/src/lib/decision/__fixtures__/adversarial-pairs.jsonl'),
      embedder,
    );
    return 0;
  }
  if (command === 'prepare') {
    const embedder = await createEmbedder({
      provider: 'local',
      model: values.model,
      threads: Number(values.threads),
      batchSize: 32,
    });
    await prepare({
      dataDir: values['data-dir'] as string,
      out: values.out as string,
      seed: Number(values.seed),
      valShare: 0.1,
      testShare: 0.2,
      syntheticPerKind: Number(values['synthetic-per-kind']),
      embedder,
    });
    return 0;
  }
  const weights = values.weights as string;
  const run = spawnSync(
    'python3',
    [
      join(REPO, 'tools/train-decisions/train.py'),
      '--data',
      values.out as string,
      '--weights',
      weights,
      '--seed',
      values.seed as string,
    ],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) return run.status ?? 1;
  const retrieval = retrievalReport(values.out as string, weights);
  console.table(retrieval.test);
  const file = JSON.parse(readFileSync(weights, 'utf8')) as { training: Record<string, unknown> };
  file.training.retrieval_protocol_test = retrieval;
  writeFileSync(weights, JSON.stringify(file) + '\n');
  await scorePairs(values.out as string, weights);
  const plot = spawnSync(
    'python3',
    [
      join(REPO, 'tools/train-decisions/plot.py'),
      join(values.out as string, 'scored.jsonl'),
      join(REPO, 'docs/images/decision-pr-curve.png'),
    ],
    { stdio: 'inherit' },
  );
  return plot.status ?? 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
