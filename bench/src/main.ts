/**
 * Deja's benchmark suite. `npm run bench -- <scenario> [options]`; each scenario shows progress on
 * stderr, prints a table on stdout and, with --out FILE, writes its numbers as JSON.
 * See docs/benchmarks.md for the scenarios, the commands behind the published numbers and them.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createEmbedder, type DisposableEmbedder, type Embedder } from '@deja/data-access-embeddings';
import { DEFAULT_BENCH_DATABASE_URL } from './lib/bench-db';
import { renderCost, runCost } from './scenarios/cost';
import { renderEmbed, runEmbed } from './scenarios/embed';
import { renderFlood, runFlood } from './scenarios/flood';
import { renderInvalidation, runInvalidation } from './scenarios/invalidation';
import { renderLatency, runLatency } from './scenarios/latency';
import { renderLiveQuality, runLiveQuality } from './scenarios/live-quality';
import { renderQuality, runQuality } from './scenarios/quality';
import { renderRetrieval, runRetrieval } from './scenarios/retrieval';
import { renderScale, runScale } from './scenarios/scale';
import { renderTtft, runTtft } from './scenarios/ttft';

const USAGE = `usage: npm run bench -- <scenario> [options]

scenarios:
  quality   --data FILE.jsonl [--limit N] [--seed S] [--mode memory|sql] [--concurrency N] [--embeddings-cache FILE]
            each labelled pair in its own scope: store text_a, ask text_b through SemanticCache
  retrieval --data FILE.jsonl [--limit 999] [--mode sql|memory] [--sweep 0.85,0.90,...]
            GPTCache's protocol: all text_a of the first N same-meaning pairs in one scope, ask every text_b
  scale     --entries N[,N...] [--queries Q] [--m 16] [--ef-construction 64] [--ef-search 40] [--data FILE.jsonl]
            lookup latency and recall@1 against an exact scan on cache_entries-shaped tables
  embed     [--entries 10000] [--queries Q] [--data FILE.jsonl]
            embedding time per query and per batch of 32, beside the bare pgvector query
  latency   [--duration 20] [--rates 5,20] [--connections 8] [--pgvector-iterations 500]
            hit / exact-tier / miss paths through the running pipeline (processes, Kafka, simulator),
            open loop at each rate and closed loop, beside the bare pgvector top-1 on the same table;
            a stage breakdown per path from the requests' traces (Jaeger at $DEJA_BENCH_JAEGER_URL,
            default http://127.0.0.1:16686) and the #14 goals as ratios of this run (the embedding
            model is also timed bare in this process, for the floor embed + pgvector)
  ttft      [--questions 30]
            time to first token of a streamed miss (live) beside the whole stream and the provider's own
            TTFT, then the same question replayed as a hit; simulator at SIM_LATENCY_SCALE (default 1)
  cost      [--questions 200] [--data FILE.jsonl] [--seed S]
            a support bot (4,000-token system prompt) replayed four ways: no caching, prompt caching,
            semantic caching, both
  live-quality [--questions 20000] [--window 5000] [--data FILE.jsonl] [--seed S] [--concurrency 4]
            a stream of questions from labelled pairs (Zipf popularity; a pair's either text asked) through the
            running pipeline's jobs API; every hit judged by the labels: the false-hit rate on the stream.
            Use the question-disjoint test split (tmp/train-decisions/qqp-test.jsonl, written by
            \`npm run train-decisions -- prepare\`): the decision weights were trained on the rest
  invalidation [--events 20] [--rate 4]
            document change → time until a steadily looked-up answer built from it stops being served
  flood     [--duration 30] [--flooders 50] [--body-bytes 1600000] [--flooder-nice 0]
            one tenant floods POST /v1/jobs with big bodies while another asks one-line questions:
            the other tenant's p50/p99 and /health latency idle, during the flood and after it
            (--flooder-nice N runs the flooding client at that CPU niceness: on a small machine its
            own work of building and sending the bodies otherwise takes the CPU from Deja)
  (latency, ttft, cost, invalidation and flood start the pipeline's services from dist on --base-port, default 18600..18604)

common: --out FILE.json  --model NAME (local model folder under models/)  --threads N (ONNX threads; default the embedder's)
        --database-url URL
        (default $DEJA_BENCH_DATABASE_URL or ${DEFAULT_BENCH_DATABASE_URL})`;

async function main(): Promise<void> {
  const [scenario, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      limit: { type: 'string' },
      seed: { type: 'string', default: '42' },
      mode: { type: 'string' },
      concurrency: { type: 'string' },
      'embeddings-cache': { type: 'string' },
      sweep: { type: 'string' },
      entries: { type: 'string' },
      queries: { type: 'string' },
      m: { type: 'string', default: '16' },
      'ef-construction': { type: 'string', default: '64' },
      'ef-search': { type: 'string', default: '40' },
      out: { type: 'string' },
      model: { type: 'string' },
      threads: { type: 'string' },
      'database-url': { type: 'string' },
      duration: { type: 'string' },
      rates: { type: 'string' },
      connections: { type: 'string' },
      'pgvector-iterations': { type: 'string' },
      questions: { type: 'string' },
      events: { type: 'string' },
      rate: { type: 'string' },
      'base-port': { type: 'string' },
      flooders: { type: 'string' },
      'body-bytes': { type: 'string' },
      'flooder-nice': { type: 'string' },
      window: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!scenario || values.help || scenario === 'help' || scenario === '--help') {
    console.log(USAGE);
    return;
  }
  const problems: string[] = [];
  const int = (name: string, raw: string | undefined, min = 1): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) problems.push(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return n;
  };
  const mode = (fallback: 'memory' | 'sql'): 'memory' | 'sql' => {
    const m = values.mode ?? fallback;
    if (m !== 'memory' && m !== 'sql') problems.push(`--mode must be memory or sql, got ${m}`);
    return m as 'memory' | 'sql';
  };
  const databaseUrl = values['database-url'] ?? process.env.DEJA_BENCH_DATABASE_URL ?? DEFAULT_BENCH_DATABASE_URL;
  const needData = () => {
    if (!values.data) problems.push(`${scenario} needs --data FILE.jsonl`);
    return values.data ?? '';
  };
  const entries = (values.entries ?? '')
    .split(',')
    .filter((s) => s.length > 0)
    .map((s) => int('entries', s, 100) as number);
  const common = {
    seed: int('seed', values.seed, 0) as number,
    limit: int('limit', values.limit),
    queries: int('queries', values.queries),
    concurrency: int('concurrency', values.concurrency),
    m: int('m', values.m, 2) as number,
    efConstruction: int('ef-construction', values['ef-construction'], 4) as number,
    efSearch: int('ef-search', values['ef-search'], 1) as number,
    threads: int('threads', values.threads),
  };
  /** What the scenarios that build an HNSW index over stored entries (scale, embed) share. */
  const index = {
    m: common.m,
    efConstruction: common.efConstruction,
    efSearch: common.efSearch,
    seed: common.seed,
    databaseUrl,
    data: values.data,
  };

  const basePort = int('base-port', values['base-port'] ?? '18600', 1024) as number;
  let needsEmbedder = true;
  let run: (embedder: Embedder) => Promise<{ result: object; text: string }>;
  switch (scenario) {
    case 'quality': {
      const data = needData();
      const m = mode('memory');
      run = async (embedder) => {
        const { decisions: _decisions, ...result } = await runQuality({
          data,
          limit: common.limit,
          seed: common.seed,
          mode: m,
          databaseUrl,
          embedder,
          embeddingsCache: values['embeddings-cache'],
          concurrency: common.concurrency ?? (m === 'sql' ? 4 : 1),
        });
        return { result, text: renderQuality({ ...result, decisions: [] }) };
      };
      break;
    }
    case 'retrieval': {
      const data = needData();
      const sweep = (values.sweep ?? '')
        .split(',')
        .filter((t) => t.length > 0)
        .map(Number);
      if (sweep.some((t) => !(t >= 0 && t <= 1)))
        problems.push(`--sweep takes thresholds in [0, 1], got ${values.sweep}`);
      const m = mode('sql');
      run = async (embedder) => {
        const result = await runRetrieval({ data, limit: common.limit ?? 999, mode: m, databaseUrl, embedder, sweep });
        return { result, text: renderRetrieval(result) };
      };
      break;
    }
    case 'scale': {
      if (entries.length === 0) problems.push('scale needs --entries N[,N...]');
      run = async (embedder) => {
        const result = await runScale({
          entries,
          queries: common.queries ?? 300,
          ...index,
          embedder,
        });
        return { result: result.rows, text: renderScale(result) };
      };
      break;
    }
    case 'embed': {
      run = async (embedder) => {
        const result = await runEmbed({
          entries: entries[0] ?? 10000,
          queries: common.queries ?? 200,
          ...index,
          embedder,
        });
        return { result, text: renderEmbed(result) };
      };
      break;
    }
    case 'ttft': {
      needsEmbedder = false;
      const questions = int('questions', values.questions ?? '30') as number;
      run = async () => {
        const result = await runTtft({
          databaseUrl,
          basePort,
          questions,
          simLatencyScale: process.env.SIM_LATENCY_SCALE,
        });
        return { result, text: renderTtft(result) };
      };
      break;
    }
    case 'latency': {
      const rates = (values.rates ?? '5,20')
        .split(',')
        .filter((r) => r.length > 0)
        .map((r) => int('rates', r) as number);
      const duration = int('duration', values.duration ?? '20') as number;
      const connections = int('connections', values.connections ?? '8') as number;
      const pgvectorIterations = int('pgvector-iterations', values['pgvector-iterations'] ?? '500') as number;
      run = async (embedder) => {
        const result = await runLatency({
          databaseUrl,
          duration,
          rates,
          connections,
          basePort,
          pgvectorIterations,
          simLatencyScale: process.env.SIM_LATENCY_SCALE,
          jaegerUrl: process.env.DEJA_BENCH_JAEGER_URL ?? 'http://127.0.0.1:16686',
          embedder,
        });
        return { result, text: renderLatency(result) };
      };
      break;
    }
    case 'cost': {
      needsEmbedder = false;
      const questions = int('questions', values.questions ?? '200') as number;
      const data = values.data ?? '/work/shared/bench-data/qqp_pairs.jsonl';
      run = async () => {
        const result = await runCost({ data, questions, seed: common.seed, databaseUrl, basePort });
        return { result, text: renderCost(result) };
      };
      break;
    }
    case 'live-quality': {
      needsEmbedder = false;
      const questions = int('questions', values.questions ?? '20000') as number;
      const window = int('window', values.window ?? String(Math.min(5000, Math.floor(questions / 4)))) as number;
      const data = values.data ?? 'tmp/train-decisions/qqp-test.jsonl';
      const concurrency = common.concurrency ?? 4;
      run = async () => {
        const result = await runLiveQuality({
          data,
          questions,
          window,
          seed: common.seed,
          databaseUrl,
          basePort,
          concurrency,
          zipf: 1,
        });
        return { result, text: renderLiveQuality(result) };
      };
      break;
    }
    case 'invalidation': {
      needsEmbedder = false;
      const events = int('events', values.events ?? '20') as number;
      const rate = int('rate', values.rate ?? '4') as number;
      run = async () => {
        const result = await runInvalidation({ databaseUrl, basePort, events, rate });
        return { result, text: renderInvalidation(result) };
      };
      break;
    }
    case 'flood': {
      needsEmbedder = false;
      const duration = int('duration', values.duration ?? '30', 5) as number;
      const flooders = int('flooders', values.flooders ?? '50') as number;
      const bodyBytes = int('body-bytes', values['body-bytes'] ?? '1600000', 1024) as number;
      const flooderNice = int('flooder-nice', values['flooder-nice'] ?? '0', 0) as number;
      run = async () => {
        const result = await runFlood({ databaseUrl, basePort, duration, flooders, bodyBytes, flooderNice });
        return { result, text: renderFlood(result) };
      };
      break;
    }
    default:
      problems.push(`unknown scenario ${JSON.stringify(scenario)}`);
      run = async () => ({ result: {}, text: '' });
  }
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  if (!needsEmbedder) {
    const { result, text } = await run(undefined as unknown as Embedder);
    console.log(text);
    if (values.out) {
      writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
      console.error(`wrote ${values.out}`);
    }
    return;
  }
  const embedder = (await createEmbedder({
    provider: 'local',
    ...(values.model ? { model: values.model } : {}),
    ...(common.threads ? { threads: common.threads } : {}),
  })) as DisposableEmbedder;
  try {
    const { result, text } = await run(embedder);
    console.log(text);
    if (values.out) {
      writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
      console.error(`wrote ${values.out}`);
    }
  } finally {
    await embedder.close?.();
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
