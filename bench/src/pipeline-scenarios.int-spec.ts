import { join } from 'node:path';
import { MODES, runCost } from './scenarios/cost';
import { runInvalidation } from './scenarios/invalidation';
import { runLatency } from './scenarios/latency';
import { runTtft } from './scenarios/ttft';

/**
 * CI-sized runs of the pipeline scenarios (latency, cost, invalidation): each starts the compiled
 * services as processes (`npm run build` first) against the real Kafka and the test database, and
 * sends a handful of requests. The numbers are not judged here; the shapes and invariants are.
 */
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://deja:deja@127.0.0.1:5432/deja_test';

describe('pipeline benchmark scenarios (smoke, services as processes)', () => {
  it('latency measures the hit, exact-tier and miss paths and the bare pgvector query', async () => {
    const r = await runLatency({
      databaseUrl,
      duration: 2,
      rates: [4],
      connections: 2,
      basePort: 18660,
      pgvectorIterations: 20,
      simLatencyScale: '0',
      jaegerUrl: process.env.TEST_JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686',
    });
    for (const p of [r.hit, r.exact, r.miss]) {
      for (const s of [p.open['4'], p.closed]) {
        expect(Object.keys(s).sort()).toEqual(['errors', 'p50_ms', 'p90_ms', 'p99_ms', 'rps']);
        expect(s.errors).toBe(0);
        expect(s.p50_ms).toBeGreaterThan(0);
      }
    }
    // Each path did what it is named for.
    expect(Object.keys(r.hit.outcomes)).toEqual(['hit/semantic']);
    expect(Object.keys(r.exact.outcomes)).toEqual(['hit/exact']);
    expect(Object.keys(r.miss.outcomes)).toEqual(['miss/none']);
    expect(r.pgvector_p50_ms).toBeGreaterThan(0);
    expect(r.pgvector_p99_ms).toBeGreaterThanOrEqual(r.pgvector_p50_ms ?? 0);
    expect(r.hit_to_pgvector_p50).toBeGreaterThan(0);
    // The breakdown cut every path's traces into the stages that path goes through.
    const stages = (p: typeof r.hit) => p.stages.stages.map((s) => s.stage);
    for (const p of [r.hit, r.exact, r.miss]) expect(p.stages.traces).toBeGreaterThan(0);
    expect(stages(r.hit)).toEqual(
      expect.arrayContaining(['gateway in', 'claim', 'embed', 'nearest', 'decide', 'response']),
    );
    expect(stages(r.exact)).toContain('exact');
    expect(stages(r.exact)).not.toContain('embed');
    expect(stages(r.miss)).toEqual(expect.arrayContaining(['provider', 'llm-worker', 'store']));
    expect(r.ratios.hit_to_floor_p50).toBeGreaterThan(0);
    expect(r.ratios.miss_overhead_p50_ms).toBeGreaterThan(0);
  });

  it('ttft streams misses live and replays them as hits, timing the first token of each', async () => {
    const r = await runTtft({ databaseUrl, basePort: 18690, questions: 2, simLatencyScale: '0.1' });
    expect([r.miss.live, r.hit.hits]).toEqual([2, 2]);
    expect(r.miss.ttft.p50_ms).toBeGreaterThan(0);
    expect(r.miss.provider_ttft.p50_ms).toBeGreaterThan(0);
  });

  it('cost replays a support bot four ways and accounts for provider calls, hits and money', async () => {
    const r = await runCost({
      data: join(__dirname, '__fixtures__', 'pairs.jsonl'),
      questions: 10,
      seed: 42,
      databaseUrl,
      basePort: 18670,
    });
    for (const m of MODES) {
      expect(Object.keys(r.modes[m]).sort()).toEqual([
        'cache_read_tokens',
        'cost_usd',
        'false_hits',
        'hit_rate',
        'input_tokens',
        'output_tokens',
        'provider_calls',
      ]);
      expect(r.meta.failed_jobs[m]).toBe(0);
    }
    const { none, prompt_cache: prompt, semantic_cache: semantic, both } = r.modes;
    // Every question of the stream reaches the provider without semantic caching; hits do not.
    // (At least: a second pipeline on the same Kafka may send this run's misses here twice.)
    expect(none.provider_calls).toBeGreaterThanOrEqual(10);
    expect(prompt.provider_calls).toBeGreaterThanOrEqual(10);
    expect(none.hit_rate).toBe(0);
    expect(prompt.hit_rate).toBe(0);
    expect(semantic.hit_rate).toBeGreaterThan(0);
    expect(both.hit_rate).toBeGreaterThan(0);
    expect(semantic.provider_calls).toBeLessThan(none.provider_calls);
    expect(prompt.cache_read_tokens).toBeGreaterThan(0);
    expect(prompt.cost_usd).toBeLessThan(none.cost_usd);
  });

  it('invalidation times a document change until its stale answer stops being served', async () => {
    const r = await runInvalidation({ databaseUrl, basePort: 18680, events: 1, rate: 4 });
    expect(r.meta.timed_out).toBe(0);
    expect(r.p50_ms).toBeGreaterThan(0);
    expect(r.meta.ack_p50_ms).toBeGreaterThan(0);
    expect(r.stale_after_ack).toBe(0);
    expect(r.meta.lookup_errors).toBe(0);
  });
});
