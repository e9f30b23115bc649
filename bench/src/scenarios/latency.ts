import { createRequire } from 'node:module';
import { Pool } from 'pg';
import type { Embedder } from '@deja/data-access-embeddings';
import { timeEmbedding } from '../lib/embed-timing';
import { Pipeline } from '../lib/pipeline';
import { elapsedMs, ms, note, pct, Progress, quantile, round, table } from '../lib/report';
import { sampleQuestions } from '../lib/sample-questions';
import { fetchTraces, summarise, type StageSummary } from '../lib/stage-breakdown';

/** The slice of autocannon's API used here (the package ships no types). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (
    status: number,
    body: string,
    context: Record<string, unknown>,
    headers: Record<string, string>,
  ) => void;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  ignoreCoordinatedOmission?: boolean;
  timeout?: number;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

export interface LatencyOptions {
  databaseUrl: string;
  /** Seconds per measurement (each rate and the closed loop, per path). */
  duration: number;
  rates: number[];
  connections: number;
  basePort: number;
  /** Iterations of the bare pgvector query. */
  pgvectorIterations: number;
  simLatencyScale?: string;
  /** Jaeger's query API, where the services' traces are read back for the stage breakdown. */
  jaegerUrl: string;
  /**
   * The embedding model in this process, timed bare (one query at a time, after the paths) for
   * the goal's floor; without it the floor uses the hit path's embed stage as the service saw it.
   */
  embedder?: Embedder;
}

export interface PathStats {
  rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  errors: number;
}

export interface PathResult {
  /** Open loop at a fixed arrival rate, by rate (requests per second). */
  open: Record<string, PathStats>;
  /** Closed loop: `connections` clients, each sending its next request when the last returns. */
  closed: PathStats;
  /** Responses by `x-deja-cache`/`x-deja-tier`, to check each path did what it says. */
  outcomes: Record<string, number>;
  /** Where the time went at the lowest open-loop rate, from the requests' traces. */
  stages: StageSummary;
}

export interface LatencyResult {
  hit: PathResult;
  exact: PathResult;
  miss: PathResult;
  pgvector_p50_ms: number | null;
  pgvector_p99_ms: number | null;
  /** hit p50 at the lowest open-loop rate / bare pgvector p50. */
  hit_to_pgvector_p50: number | null;
  /** The issue #14 goals, each from this run. */
  ratios: {
    /** One query embedded bare in the bench process (in its thread), p50: the floor's first half. */
    bare_embed_p50_ms: number | null;
    /** The hit path's embed stage p50 as the embedding-service saw it (its traces). */
    embed_p50_ms: number | null;
    /** semantic hit p50 / (bare embed p50 + bare pgvector p50), lowest open-loop rate; goal ≤ 3. */
    hit_to_floor_p50: number | null;
    /** semantic hit p99 / p50, lowest open-loop rate; goal ≤ 3. */
    hit_p99_to_p50: number | null;
    /** exact-tier hit p50 at the lowest open-loop rate; goal ≤ 15 ms. */
    exact_p50_ms: number | null;
    /** Saturated (closed loop) hits per second: goals ≥ 120 semantic, ≥ 400 exact with 16 connections. */
    hit_closed_rps: number;
    exact_closed_rps: number;
    /** Miss end-to-end minus the provider call, p50 (traces); goal ≤ 15 ms. */
    miss_overhead_p50_ms: number | null;
  };
  meta: {
    duration_s: number;
    rates: number[];
    connections: number;
    entries_in_table: number;
    sim_latency_scale: string;
  };
}

const SEED_QUESTION = 'How do I reset my password if I forgot it?';
const PARAPHRASE = 'How can I reset my password if I forgot it?';

/**
 * Latency of the three paths through the distributed pipeline (`POST /v1/chat/completions` →
 * Kafka → embedding-service → [llm-worker → simulator] → Kafka → gateway), open loop at set
 * rates and closed loop to saturation, beside the bare pgvector top-1 query on the same table.
 */
export async function runLatency(o: LatencyOptions): Promise<LatencyResult> {
  const autocannon = createRequire(__filename)('autocannon') as Autocannon;
  const simLatencyScale = o.simLatencyScale ?? '0.1';
  const pipeline = new Pipeline({
    databaseUrl: o.databaseUrl,
    basePort: o.basePort,
    simEnv: { SIM_LATENCY_SCALE: simLatencyScale },
  });
  const namespace = `bench-latency-${pipeline.run}`;
  const body = (content: string) =>
    JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], deja: { namespace } });
  await pipeline.start();
  const pool = new Pool({ connectionString: o.databaseUrl, max: 1 });
  try {
    const seeded = await pipeline.chat(JSON.parse(body(SEED_QUESTION)) as object);
    if (seeded.status !== 200 || seeded.cache !== 'miss') throw new Error(`seeding: ${seeded.status} ${seeded.cache}`);
    // The answer is stored by the embedding-service after the reply: wait until the paraphrase hits.
    const deadline = Date.now() + 30000;
    for (;;) {
      const r = await pipeline.chat(JSON.parse(body(PARAPHRASE)) as object);
      if (r.cache === 'hit' && r.tier === 'semantic') break;
      if (Date.now() > deadline) throw new Error(`the paraphrase never hit (last: ${r.status} ${r.cache}/${r.tier})`);
      await new Promise((res) => setTimeout(res, 300));
    }
    const headers = pipeline.headers();
    const measure = async (label: string, requests: AutocannonRequest[], rate?: number): Promise<PathStats> => {
      note(
        `latency: ${label}${rate ? ` open loop at ${rate}/s` : `, closed loop with ${o.connections} connections`} for ${o.duration} s`,
      );
      const r = await autocannon({
        url: pipeline.gatewayUrl,
        connections: rate ? Math.max(o.connections, Math.ceil(rate / 2)) : o.connections,
        duration: o.duration,
        timeout: 60,
        // With a rate, autocannon "corrects" each latency for coordinated omission with an expected
        // interval of ceil(1 / rate) = 1 ms (it divides by a per-second rate as if per ms), which
        // records a 150 ms response as 150 values from 1 to 150 ms and halves the p50. The open
        // loop sends on schedule, so there is nothing to correct: record what was measured.
        ...(rate ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}),
        requests,
      });
      if (r.requests.total === 0) {
        throw new Error(`latency: ${label}: no response within the ${o.duration} s window; run longer (--duration)`);
      }
      return {
        rps: round(r.requests.average, 2) ?? 0,
        p50_ms: r.latency.p50,
        p90_ms: r.latency.p90,
        p99_ms: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
      };
    };
    const runPath = async (label: string, next: () => string): Promise<PathResult> => {
      const outcomes: Record<string, number> = {};
      const requests: AutocannonRequest[] = [
        {
          method: 'POST',
          path: '/v1/chat/completions',
          headers,
          setupRequest: (req) => ({ ...req, body: next() }),
          onResponse: (status, _b, _c, h) => {
            const key = status === 200 ? `${h['x-deja-cache'] ?? '?'}/${h['x-deja-tier'] ?? '?'}` : `http ${status}`;
            outcomes[key] = (outcomes[key] ?? 0) + 1;
          },
        },
      ];
      // One request first, outside the measurements: a path's first request pays its cold costs
      // (connections, JIT, the provider client's first call), and in a short run it can take longer
      // than the whole window, which leaves nothing measured.
      const warm = await pipeline.chat(JSON.parse(next()) as object);
      if (warm.status !== 200) throw new Error(`${label}: warm-up request answered ${warm.status}`);
      const open: Record<string, PathStats> = {};
      const lowest = Math.min(...o.rates);
      let window = { start: 0, end: 0 };
      for (const rate of o.rates) {
        const start = Date.now();
        open[String(rate)] = await measure(label, requests, rate);
        if (rate === lowest) window = { start, end: Date.now() };
      }
      const closed = await measure(label, requests, undefined);
      return { open, closed, outcomes, stages: await breakdown(window) };
    };
    // The services export spans in batches every 500 ms; the open-loop run at the lowest rate
    // ended a closed-loop run ago, so its traces are complete by now.
    const breakdown = async (w: { start: number; end: number }): Promise<StageSummary> =>
      summarise(
        await fetchTraces(o.jaegerUrl, new URL(pipeline.gatewayUrl).host, w.start, w.end),
        pipeline.names.prefix,
      );
    const hit = await runPath('hit path', () => body(PARAPHRASE));
    const exact = await runPath('exact-tier path', () => body(SEED_QUESTION));
    let n = 0;
    const miss = await runPath('miss path', () =>
      body(`Question ${pipeline.run}-${++n}: what is the capital of country number ${n}?`),
    );

    // The bare pgvector top-1 on the same cache_entries table, with the seeded entry's stored embedding.
    const { rows } = await pool.query<{ e: string; dim: number }>(
      `SELECT embedding::text AS e, embedding_dim AS dim FROM cache_entries WHERE embedding IS NOT NULL AND normalized_query IS NOT NULL ORDER BY created_at DESC LIMIT 1`,
    );
    const count = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM cache_entries');
    const latencies: number[] = [];
    if (rows[0]) {
      const dim = rows[0].dim;
      const sql = `SELECT id FROM cache_entries WHERE embedding_dim = ${dim} ORDER BY embedding::vector(${dim}) <=> $1::vector(${dim}) LIMIT 1`;
      const progress = new Progress('bare pgvector top-1', o.pgvectorIterations, 'queries');
      for (let i = 0; i < 20; i++) await pool.query(sql, [rows[0].e]);
      for (let i = 0; i < o.pgvectorIterations; i++) {
        const start = process.hrtime.bigint();
        await pool.query(sql, [rows[0].e]);
        latencies.push(elapsedMs(start));
        progress.tick(i + 1);
      }
    }
    const p50 = quantile(latencies, 0.5);
    if (o.embedder) note('latency: timing the embedding model bare (200 single queries)');
    const bareEmbed = o.embedder ? (await timeEmbedding(o.embedder, sampleQuestions(200), 200, 0)).single_p50_ms : null;
    const lowest = String(Math.min(...o.rates));
    const hitP50 = hit.open[lowest]?.p50_ms ?? hit.closed.p50_ms;
    const embedP50 = hit.stages.stages.find((s) => s.stage === 'embed')?.p50_ms ?? null;
    const hitP99 = hit.open[lowest]?.p99_ms ?? null;
    return {
      hit,
      exact,
      miss,
      pgvector_p50_ms: round(p50),
      pgvector_p99_ms: round(quantile(latencies, 0.99)),
      hit_to_pgvector_p50: p50 ? round(hitP50 / p50, 1) : null,
      ratios: {
        bare_embed_p50_ms: bareEmbed,
        embed_p50_ms: embedP50,
        hit_to_floor_p50:
          (bareEmbed ?? embedP50) !== null && p50 !== null
            ? round(hitP50 / ((bareEmbed ?? embedP50 ?? 0) + p50), 2)
            : null,
        hit_p99_to_p50: hitP99 !== null && hitP50 > 0 ? round(hitP99 / hitP50, 2) : null,
        exact_p50_ms: exact.open[lowest]?.p50_ms ?? null,
        hit_closed_rps: hit.closed.rps,
        exact_closed_rps: exact.closed.rps,
        miss_overhead_p50_ms: miss.stages.overhead_p50_ms,
      },
      meta: {
        duration_s: o.duration,
        rates: o.rates,
        connections: o.connections,
        entries_in_table: Number(count.rows[0].n),
        sim_latency_scale: simLatencyScale,
      },
    };
  } finally {
    await pool.end();
    await pipeline.stop();
  }
}

export function renderLatency(r: LatencyResult): string {
  const rows: Array<Array<string | number>> = [];
  for (const [name, p] of [
    ['hit (semantic)', r.hit],
    ['exact tier', r.exact],
    ['miss', r.miss],
  ] as const) {
    for (const [rate, s] of Object.entries(p.open))
      rows.push([name, `open ${rate}/s`, s.rps, ms(s.p50_ms), ms(s.p90_ms), ms(s.p99_ms), s.errors]);
    rows.push([
      name,
      `closed ${r.meta.connections} conn`,
      p.closed.rps,
      ms(p.closed.p50_ms),
      ms(p.closed.p90_ms),
      ms(p.closed.p99_ms),
      p.closed.errors,
    ]);
  }
  const outcomes = (p: PathResult) =>
    Object.entries(p.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const lowest = Math.min(...r.meta.rates);
  const q = r.ratios;
  const goal = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'met' : 'NOT met');
  return [
    `latency: POST /v1/chat/completions through the pipeline, ${r.meta.duration_s} s per row; cache_entries holds ${r.meta.entries_in_table} rows`,
    table(['path', 'load', 'rps', 'p50 ms', 'p90 ms', 'p99 ms', 'errors'], rows),
    `outcomes — hit: ${outcomes(r.hit)}; exact: ${outcomes(r.exact)}; miss: ${outcomes(r.miss)}`,
    `bare pgvector top-1 on the same table: p50 ${ms(r.pgvector_p50_ms)} ms, p99 ${ms(r.pgvector_p99_ms)} ms`,
    `hit p50 (open loop, ${lowest}/s) = ${r.hit_to_pgvector_p50 ?? 'n/a'} × the bare pgvector p50`,
    '',
    `stage breakdown at open ${lowest}/s, from the requests' traces (p50 ms / p99 ms / share of the path's p50; stages cut at span boundaries, ±1 ms each):`,
    renderStages(r),
    '',
    `goals (#14), this run, open loop ${lowest}/s and closed loop ${r.meta.connections} conn:`,
    table(
      ['goal', 'measured', ''],
      [
        [
          'semantic hit p50 ≤ 3 × (embed p50 + bare pgvector p50)',
          `${q.hit_to_floor_p50 ?? 'n/a'} × (${q.bare_embed_p50_ms === null ? 'embed stage' : 'bare embed'} ${ms(q.bare_embed_p50_ms ?? q.embed_p50_ms)} + pgvector ${ms(r.pgvector_p50_ms)} ms)`,
          goal(q.hit_to_floor_p50 === null ? null : q.hit_to_floor_p50 <= 3),
        ],
        [
          'semantic hit p99 ≤ 3 × p50',
          `${q.hit_p99_to_p50 ?? 'n/a'} ×`,
          goal(q.hit_p99_to_p50 === null ? null : q.hit_p99_to_p50 <= 3),
        ],
        [
          'exact hit p50 ≤ 15 ms',
          `${ms(q.exact_p50_ms)} ms`,
          goal(q.exact_p50_ms === null ? null : q.exact_p50_ms <= 15),
        ],
        ['≥ 120 semantic hits/s saturated', `${q.hit_closed_rps}/s`, goal(q.hit_closed_rps >= 120)],
        ['≥ 400 exact hits/s saturated', `${q.exact_closed_rps}/s`, goal(q.exact_closed_rps >= 400)],
        [
          'miss overhead (total − provider) p50 ≤ 15 ms',
          `${ms(q.miss_overhead_p50_ms)} ms`,
          goal(q.miss_overhead_p50_ms === null ? null : q.miss_overhead_p50_ms <= 15),
        ],
      ],
    ),
  ].join('\n');
}

/** One column per path: p50 / p99 / share for every stage the path went through. */
function renderStages(r: LatencyResult): string {
  const paths = [
    ['hit (semantic)', r.hit.stages],
    ['exact tier', r.exact.stages],
    ['miss', r.miss.stages],
  ] as const;
  const names = [...new Set(paths.flatMap(([, s]) => s.stages.map((x) => x.stage)))];
  const cell = (s: StageSummary, name: string) => {
    const x = s.stages.find((y) => y.stage === name);
    return x ? `${ms(x.p50_ms)} / ${ms(x.p99_ms)} / ${pct(x.share)}` : '';
  };
  return table(
    ['stage', ...paths.map(([p]) => p)],
    [
      ...names.map((n) => [n, ...paths.map(([, s]) => cell(s, n))]),
      ['total (gateway span) p50', ...paths.map(([, s]) => ms(s.total_p50_ms))],
      ['traces cut / incomplete', ...paths.map(([, s]) => `${s.traces} / ${s.incomplete}`)],
    ],
  );
}
