import type { Embedder } from '@deja/data-access-embeddings';
import { elapsedMs, quantile, round } from './report';

export interface EmbedTiming {
  model: string;
  single_p50_ms: number | null;
  single_p99_ms: number | null;
  batch32_p50_ms: number | null;
  batch32_p99_ms: number | null;
  /** batch32_p50_ms / 32. */
  batch32_per_text_ms: number | null;
}

/** Embedding latency: one query at a time (as a lookup does), then batches of 32 (as a backfill would). */
export async function timeEmbedding(
  embedder: Embedder,
  questions: readonly string[],
  singles: number,
  batches: number,
): Promise<EmbedTiming> {
  await embedder.embed([questions[0]]);
  const single: number[] = [];
  for (let i = 0; i < singles; i++) {
    const start = process.hrtime.bigint();
    await embedder.embed([questions[i % questions.length]]);
    single.push(elapsedMs(start));
  }
  const batch: number[] = [];
  for (let b = 0; b < batches; b++) {
    const texts = Array.from({ length: 32 }, (_, i) => questions[(b * 32 + i) % questions.length]);
    const start = process.hrtime.bigint();
    await embedder.embed(texts);
    batch.push(elapsedMs(start));
  }
  const b50 = quantile(batch, 0.5);
  return {
    model: embedder.model,
    single_p50_ms: round(quantile(single, 0.5), 2),
    single_p99_ms: round(quantile(single, 0.99), 2),
    batch32_p50_ms: round(b50, 2),
    batch32_p99_ms: round(quantile(batch, 0.99), 2),
    batch32_per_text_ms: round(b50 === null ? null : b50 / 32, 2),
  };
}
