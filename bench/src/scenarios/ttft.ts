import { Pipeline } from '../lib/pipeline';
import { elapsedMs, ms, note, Progress, quantile, round, table } from '../lib/report';

export interface TtftOptions {
  databaseUrl: string;
  basePort: number;
  /** Distinct questions; each is asked twice (a streamed miss, then the same question as a hit). */
  questions: number;
  /** The simulator's SIM_LATENCY_SCALE (default 1: its unscaled, provider-like pacing). */
  simLatencyScale?: string;
}

/** One streamed request as the client saw it. */
interface Streamed {
  ttftMs: number;
  totalMs: number;
  cache: string | null;
  stream: string | null;
  text: string;
}

interface Percentiles {
  p50_ms: number | null;
  p90_ms: number | null;
  max_ms: number | null;
}

export interface TtftResult {
  questions: number;
  sim_latency_scale: string;
  /** Streamed misses: time to the first content delta, to the end, and the provider's own TTFT (simulator's log). */
  miss: { ttft: Percentiles; total: Percentiles; provider_ttft: Percentiles; live: number };
  /** The same questions again: hits, replayed as SSE. */
  hit: { ttft: Percentiles; total: Percentiles; hits: number };
}

/**
 * Time to first token of a streamed miss through the running pipeline (gateway → Kafka →
 * embedding-service → llm-worker → simulator, and back as deja.chunks.v1), beside the same
 * stream's total time — which is when the first token arrived before misses streamed live (the
 * answer was replayed once finished) — and the provider's own TTFT from the simulator's log.
 * One request at a time, so the numbers are latencies, not queueing.
 */
export async function runTtft(o: TtftOptions): Promise<TtftResult> {
  const scale = o.simLatencyScale ?? '1';
  const pipeline = new Pipeline({
    databaseUrl: o.databaseUrl,
    basePort: o.basePort,
    simEnv: { SIM_LATENCY_SCALE: scale },
  });
  await pipeline.start();
  try {
    const ask = (i: number) =>
      `How do I rotate the API key of project ${i} without downtime? (ttft ${pipeline.run}-${i})`;
    note('ttft: warming up (3 questions, not counted)');
    for (let i = 0; i < 3; i++) await stream(pipeline, `${ask(i)} warm-up`);
    const misses: Streamed[] = [];
    const hits: Streamed[] = [];
    const providerTtft: number[] = [];
    const progress = new Progress('ttft', o.questions, 'questions');
    for (let i = 0; i < o.questions; i++) {
      const since = (await pipeline.simRequests()).last_seq;
      const miss = await stream(pipeline, ask(i));
      const hit = await stream(pipeline, ask(i));
      if (hit.text !== miss.text) throw new Error(`question ${i}: the hit's text differs from the streamed miss's`);
      misses.push(miss);
      hits.push(hit);
      const seen = (await pipeline.simRequests(since)).requests.find((r) =>
        r.last_user_text?.includes(`${pipeline.run}-${i})`),
      );
      if (seen?.ttft_ms !== undefined && seen.ttft_ms !== null) providerTtft.push(seen.ttft_ms);
      progress.tick(i + 1);
    }
    return {
      questions: o.questions,
      sim_latency_scale: scale,
      miss: {
        ttft: percentiles(misses.map((m) => m.ttftMs)),
        total: percentiles(misses.map((m) => m.totalMs)),
        provider_ttft: percentiles(providerTtft),
        live: misses.filter((m) => m.cache === 'miss' && m.stream === 'live').length,
      },
      hit: {
        ttft: percentiles(hits.map((h) => h.ttftMs)),
        total: percentiles(hits.map((h) => h.totalMs)),
        hits: hits.filter((h) => h.cache === 'hit').length,
      },
    };
  } finally {
    await pipeline.stop();
  }
}

/** Streams one chat completion with fetch (no SDK in the timing) and notes when the first content arrived. */
async function stream(pipeline: Pipeline, question: string): Promise<Streamed> {
  const start = process.hrtime.bigint();
  const res = await fetch(`${pipeline.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: pipeline.headers(),
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: question }] }),
  });
  if (res.status !== 200 || !res.body) throw new Error(`stream: HTTP ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffer = '';
  let text = '';
  let ttftMs: number | null = null;
  for await (const bytes of res.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
      buffer = buffer.slice(end + 2);
      if (!data || data === '[DONE]') continue;
      const piece = (JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta
        ?.content;
      if (piece) {
        ttftMs ??= elapsedMs(start);
        text += piece;
      }
    }
  }
  return {
    ttftMs: ttftMs ?? elapsedMs(start),
    totalMs: elapsedMs(start),
    cache: res.headers.get('x-deja-cache'),
    stream: res.headers.get('x-deja-stream'),
    text,
  };
}

function percentiles(values: number[]): Percentiles {
  return {
    p50_ms: round(quantile(values, 0.5), 1),
    p90_ms: round(quantile(values, 0.9), 1),
    max_ms: round(values.length > 0 ? Math.max(...values) : null, 1),
  };
}

export function renderTtft(r: TtftResult): string {
  const row = (name: string, p: Percentiles) => [name, ms(p.p50_ms), ms(p.p90_ms), ms(p.max_ms)];
  return [
    `Time to first token, ${r.questions} questions, one at a time (simulator latency scale ${r.sim_latency_scale})`,
    `streamed misses relayed live: ${r.miss.live}/${r.questions}; second asks served as hits: ${r.hit.hits}/${r.questions}`,
    table(
      ['', 'p50 ms', 'p90 ms', 'max ms'],
      [
        row('miss: first token (live)', r.miss.ttft),
        row('miss: whole stream (= first token before live)', r.miss.total),
        row("provider's own TTFT (simulator)", r.miss.provider_ttft),
        row('hit: first token (replay)', r.hit.ttft),
        row('hit: whole stream', r.hit.total),
      ],
    ),
  ].join('\n');
}
