import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pipeline } from '../lib/pipeline';
import { ms, note, quantile, round, table } from '../lib/report';

/**
 * The hostile-tenant scenario of issue 19 (item 3): one tenant floods `POST /v1/jobs` with
 * `flooders` concurrent loops of ~`bodyBytes` bodies while another tenant asks one-line questions
 * one after the other (`POST /v1/chat/completions`, each a new question: a miss answered by the
 * simulator through the whole pipeline) and `/health` is probed every 250 ms. Measured idle, during
 * the flood, and after it (the backlog draining), against the distributed pipeline as processes.
 */
export interface FloodOptions {
  databaseUrl: string;
  basePort: number;
  /** Seconds per phase (idle, flood, after). */
  duration: number;
  flooders: number;
  bodyBytes: number;
  /** CPU niceness of the flooding client's process (0: as the services). */
  flooderNice?: number;
}

export interface LatencyStats {
  n: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  /** Responses by status ('error' for a failed or timed-out request). */
  statuses: Record<string, number>;
}

export interface FloodPhase {
  victim: LatencyStats;
  health: LatencyStats;
  /** The flooder's responses by status (none in the idle phase). */
  flooder: Record<string, number>;
}

export interface FloodResult {
  idle: FloodPhase;
  flood: FloodPhase;
  after: FloodPhase;
  /** flood p50 / idle p50 and flood p99 / idle p99, of the victim and of /health. */
  ratios: {
    victim_p50: number | null;
    victim_p99: number | null;
    health_p50: number | null;
    health_p99: number | null;
  };
  meta: { duration_s: number; flooders: number; body_bytes: number; flooder_nice: number; sim_latency_scale: string };
}

const run = promisify(execFile);
const HEALTH_EVERY_MS = 250;
const REQUEST_TIMEOUT_MS = 90_000;

export async function runFlood(o: FloodOptions): Promise<FloodResult> {
  const simLatencyScale = '0';
  const pipeline = new Pipeline({
    databaseUrl: o.databaseUrl,
    basePort: o.basePort,
    simEnv: { SIM_LATENCY_SCALE: simLatencyScale },
  });
  await pipeline.start();
  try {
    const flooderKey = await createTenant(pipeline, `flooder-${pipeline.run}`);
    let asked = 0;
    const question = () => `Bench ${pipeline.run}: what is ${++asked} plus ${asked}?`;
    const phase = async (label: string, flood: boolean): Promise<FloodPhase> => {
      note(`flood: ${label} for ${o.duration} s${flood ? ` (${o.flooders} loops of ${o.bodyBytes} bytes)` : ''}`);
      const until = Date.now() + o.duration * 1000;
      const flooder: Record<string, number> = {};
      const [victim, health] = await Promise.all([
        victimLoop(pipeline, question, until),
        healthLoop(pipeline, until),
        ...(flood ? [floodProcess(pipeline, flooderKey, o, flooder)] : []),
      ]);
      return { victim, health, flooder };
    };
    const idle = await phase('idle', false);
    const flood = await phase('flood', true);
    const after = await phase('after the flood', false);
    const ratio = (a: number | null, b: number | null) =>
      a === null || b === null || b === 0 ? null : round(a / b, 2);
    return {
      idle,
      flood,
      after,
      ratios: {
        victim_p50: ratio(flood.victim.p50_ms, idle.victim.p50_ms),
        victim_p99: ratio(flood.victim.p99_ms, idle.victim.p99_ms),
        health_p50: ratio(flood.health.p50_ms, idle.health.p50_ms),
        health_p99: ratio(flood.health.p99_ms, idle.health.p99_ms),
      },
      meta: {
        duration_s: o.duration,
        flooders: o.flooders,
        body_bytes: o.bodyBytes,
        flooder_nice: o.flooderNice ?? 0,
        sim_latency_scale: simLatencyScale,
      },
    };
  } finally {
    await pipeline.stop();
  }
}

async function createTenant(pipeline: Pipeline, id: string): Promise<string> {
  const res = await fetch(`${pipeline.gatewayUrl}/v1/admin/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pipeline.adminKey}`, 'content-type': 'application/json' },
    // A rate limit it never reaches: the in-flight limits are what is measured.
    body: JSON.stringify({ id, rate_limit: { rps: 100_000, burst: 1_000_000 } }),
  });
  if (res.status !== 201) throw new Error(`creating tenant ${id}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { api_key: string }).api_key;
}

/** One question at a time, each waiting for its answer, until `until`. */
async function victimLoop(pipeline: Pipeline, question: () => string, until: number): Promise<LatencyStats> {
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  while (Date.now() < until) {
    const started = performance.now();
    const status = await fetch(`${pipeline.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: pipeline.headers(),
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question() }] }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).then(
      async (r) => (await r.arrayBuffer(), String(r.status)),
      () => 'error',
    );
    times.push(performance.now() - started);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return stats(times, statuses);
}

async function healthLoop(pipeline: Pipeline, until: number): Promise<LatencyStats> {
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  while (Date.now() < until) {
    const started = performance.now();
    const status = await fetch(`${pipeline.gatewayUrl}/health`, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).then(
      async (r) => (await r.arrayBuffer(), String(r.status)),
      () => 'error',
    );
    const took = performance.now() - started;
    times.push(took);
    statuses[status] = (statuses[status] ?? 0) + 1;
    await new Promise((r) => setTimeout(r, Math.max(0, HEALTH_EVERY_MS - took)));
  }
  return stats(times, statuses);
}

/** The flooder in its own process (`flood-client.ts`): its responses by status. */
async function floodProcess(
  pipeline: Pipeline,
  key: string,
  o: FloodOptions,
  statuses: Record<string, number>,
): Promise<LatencyStats> {
  const script = join(__dirname, '..', 'lib', 'flood-client.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run the benchmark from dist (npm run bench)`);
  const args = { url: pipeline.gatewayUrl, key, loops: o.flooders, bytes: o.bodyBytes, seconds: o.duration };
  // The flooder models a remote client: at a positive niceness its own CPU (building and sending
  // tens of MB/s of bodies) yields to the services being measured on a small machine.
  const nice = o.flooderNice ?? 0;
  const [command, argv] =
    nice > 0 ? ['nice', ['-n', String(nice), process.execPath, script]] : [process.execPath, [script]];
  const { stdout } = await run(command, [...argv, JSON.stringify(args)], { maxBuffer: 1 << 20 });
  Object.assign(statuses, (JSON.parse(stdout) as { statuses: Record<string, number> }).statuses);
  return stats([], {});
}

function stats(times: number[], statuses: Record<string, number>): LatencyStats {
  const max = times.length > 0 ? Math.max(...times) : null;
  return {
    n: times.length,
    p50_ms: quantile(times, 0.5),
    p99_ms: quantile(times, 0.99),
    max_ms: max,
    statuses,
  };
}

export function renderFlood(r: FloodResult): string {
  const row = (label: string, s: LatencyStats) => [
    label,
    s.n,
    ms(s.p50_ms),
    ms(s.p99_ms),
    ms(s.max_ms),
    Object.entries(s.statuses)
      .map(([k, v]) => `${k}:${v}`)
      .join(' '),
  ];
  const lines = [
    `Hostile tenant: ${r.meta.flooders} loops of ${r.meta.body_bytes}-byte POST /v1/jobs vs one-line questions (${r.meta.duration_s} s per phase)`,
    '',
    table(
      ['phase / what', 'n', 'p50 ms', 'p99 ms', 'max ms', 'statuses'],
      (['idle', 'flood', 'after'] as const).flatMap((p) => [
        row(`${p}: other tenant's question`, r[p].victim),
        row(`${p}: /health`, r[p].health),
      ]),
    ),
    '',
    `flooder's responses during the flood: ${
      Object.entries(r.flood.flooder)
        .map(([k, v]) => `${k}:${v}`)
        .join(' ') || 'none'
    }`,
    `flood / idle: question p50 ×${r.ratios.victim_p50 ?? 'n/a'}, p99 ×${r.ratios.victim_p99 ?? 'n/a'}; /health p50 ×${r.ratios.health_p50 ?? 'n/a'}, p99 ×${r.ratios.health_p99 ?? 'n/a'} (goal: ≤ 2)`,
  ];
  return lines.join('\n');
}
