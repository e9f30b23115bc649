/**
 * @jest-environment ./libs/data-access-embeddings/src/testing/onnx-test-environment.js
 */
import { join } from 'node:path';
import { createEmbedder, type DisposableEmbedder } from '@deja/data-access-embeddings';
import { runEmbed } from './scenarios/embed';
import { runQuality } from './scenarios/quality';
import { runRetrieval } from './scenarios/retrieval';
import { runScale } from './scenarios/scale';

/**
 * CI-sized runs of every benchmark scenario, so the suite cannot rot: the real local model, the
 * real Postgres+pgvector (each run in its own schema of the test database, dropped afterwards)
 * and a 50-pair fixture. The numbers are not judged here; the shapes and invariants are.
 */
/** The integration tests' database (as in test/integration/env.ts). */
const testEnv = { databaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://deja:deja@127.0.0.1:5432/deja_test' };

describe('benchmark scenarios (smoke, real model and Postgres)', () => {
  const data = join(__dirname, '__fixtures__', 'pairs.jsonl');
  let embedder: DisposableEmbedder;
  /** A small HNSW index over the test database (scale, embed). */
  const index = () => ({
    m: 16,
    efConstruction: 64,
    efSearch: 40,
    seed: 1,
    databaseUrl: testEnv.databaseUrl,
    embedder,
  });

  beforeAll(async () => {
    embedder = (await createEmbedder({ provider: 'local' })) as DisposableEmbedder;
  });
  afterAll(() => embedder?.close());

  it('quality decides every pair the same through Postgres as in memory, and reports the published fields', async () => {
    const common = { data, seed: 42, databaseUrl: testEnv.databaseUrl, embedder, concurrency: 4 };
    const sql = await runQuality({ ...common, mode: 'sql' });
    const memory = await runQuality({ ...common, mode: 'memory' });
    expect(memory.decisions).toEqual(sql.decisions);
    expect(Object.keys(sql.shipped).sort()).toEqual([
      'false_hit_rate',
      'fn',
      'fp',
      'precision',
      'recall',
      'threshold',
      'tn',
      'tp',
    ]);
    expect(sql.shipped.tp + sql.shipped.fp + sql.shipped.fn + sql.shipped.tn).toBe(49);
    expect(sql.meta.unlabelled_skipped).toBe(1);
    expect(sql.shipped.tp).toBeGreaterThan(0);
    // The fixture's exact repeats are served by the exact tier.
    expect(sql.meta.hits_by_tier.exact).toBeGreaterThanOrEqual(2);
    expect(sql.fixed.map((f) => f.threshold)).toEqual([
      0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98,
      0.99,
    ]);
    for (const f of sql.fixed)
      expect(Object.keys(f).sort()).toEqual(['false_hit_rate', 'precision', 'recall', 'threshold']);
    // Looser thresholds serve at least as many of the same-meaning pairs.
    const recalls = sql.fixed.map((f) => f.recall ?? 0);
    expect([...recalls].sort((a, b) => b - a)).toEqual(recalls);
  });

  it('retrieval accounts for every question as correct, wrong or miss, with its latency', async () => {
    const r = await runRetrieval({
      data,
      limit: 999,
      mode: 'sql',
      databaseUrl: testEnv.databaseUrl,
      embedder,
      sweep: [0.85],
    });
    expect(r.correct + r.wrong + r.miss).toBe(30);
    const [loose] = r.meta.sweep;
    expect(loose.correct + loose.wrong + loose.miss).toBe(30);
    // A looser threshold never serves fewer questions.
    expect(loose.miss).toBeLessThanOrEqual(r.miss);
    expect(r.correct).toBeGreaterThan(0);
    expect(r.avg_ms).toBeGreaterThan(0);
    expect(r.meta.avg_embed_ms).toBeGreaterThan(0);
  });

  it('scale measures the scoped lookup and the bare pgvector query against an exact scan', async () => {
    const { rows } = await runScale({
      entries: [1500],
      queries: 20,
      ...index(),
    });
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row).toEqual(
      expect.objectContaining({
        entries: 1500,
        p50_ms: expect.any(Number),
        p99_ms: expect.any(Number),
        build_s: expect.any(Number),
        bytes_per_entry: expect.any(Number),
      }),
    );
    expect(row.recall_at_1).toBeGreaterThanOrEqual(0.9);
    expect(row.pgvector_recall_at_1).toBeGreaterThanOrEqual(0.9);
    expect(row.iterative_scan.all.relaxed_order.queries).toBe(20);
    expect(row.embed.single_p50_ms).toBeGreaterThan(0);
  });

  it('embed times one query and a batch of 32 beside the bare pgvector query', async () => {
    const r = await runEmbed({
      entries: 500,
      queries: 10,
      ...index(),
    });
    expect(r.single_p50_ms).toBeGreaterThan(0);
    expect(r.batch32_p50_ms).toBeGreaterThan(r.single_p50_ms as number);
    expect(r.pgvector_p50_ms).toBeGreaterThan(0);
  });
});
