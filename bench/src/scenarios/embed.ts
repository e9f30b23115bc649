import { randomUUID } from 'node:crypto';
import { CacheRepository } from '@deja/data-access-cache';
import type { Embedder } from '@deja/data-access-embeddings';
import { openBenchSchema } from '../lib/bench-db';
import { timeEmbedding, type EmbedTiming } from '../lib/embed-timing';
import { ms, note, round, table } from '../lib/report';
import { sampleQuestions } from '../lib/sample-questions';
import { loadSyntheticEntries, makeQueries, type HnswSettings } from '../lib/synthetic-entries';
import { summarise, timeBare, timeScoped } from './scale';

export interface EmbedOptions extends HnswSettings {
  entries: number;
  queries: number;
  seed: number;
  databaseUrl: string;
  embedder: Embedder;
  data?: string;
}

export interface EmbedResult extends EmbedTiming {
  entries: number;
  pgvector_p50_ms: number | null;
  pgvector_p99_ms: number | null;
  scoped_p50_ms: number | null;
  /** single_p50_ms / pgvector_p50_ms: how many bare vector queries one query embedding costs. */
  embed_to_pgvector_ratio: number | null;
}

/** Embedding time per query and per batch of 32, beside the bare pgvector query, in one run. */
export async function runEmbed(o: EmbedOptions): Promise<EmbedResult> {
  const schema = `bench_embed_${randomUUID().slice(0, 8)}`;
  const db = await openBenchSchema(o.databaseUrl, schema, 1);
  try {
    note(`embed: ${o.entries} synthetic entries for the pgvector side`);
    await loadSyntheticEntries(db.pool, schema, o.entries, o.embedder.dimension, o.embedder.model, o, o.seed);
    await db.pool.query(`SET hnsw.ef_search = ${o.efSearch}`);
    const queries = await makeQueries(db.pool, schema, o.embedder.dimension, o.queries, 0, 1);
    const bare = await timeBare(db.pool, o.embedder.dimension, queries);
    const repo = new CacheRepository(db.pool);
    await timeScoped(repo, o.embedder.model, queries.slice(0, 10), 'warm-up');
    const scoped = summarise(await timeScoped(repo, o.embedder.model, queries, 'scoped lookup'), []);
    const embed = await timeEmbedding(o.embedder, sampleQuestions(Math.max(o.queries, 320), o.data), o.queries, 10);
    return {
      entries: o.entries,
      ...embed,
      pgvector_p50_ms: bare.p50_ms,
      pgvector_p99_ms: bare.p99_ms,
      scoped_p50_ms: scoped.p50_ms,
      embed_to_pgvector_ratio:
        embed.single_p50_ms !== null && bare.p50_ms ? round(embed.single_p50_ms / bare.p50_ms, 1) : null,
    };
  } finally {
    await db.drop();
  }
}

export function renderEmbed(r: EmbedResult): string {
  return [
    `embed: model ${r.model}; pgvector side: ${r.entries} entries, measured in the same run`,
    table(
      ['what', 'p50 ms', 'p99 ms'],
      [
        ['embed one query', ms(r.single_p50_ms), ms(r.single_p99_ms)],
        ['embed a batch of 32', ms(r.batch32_p50_ms), ms(r.batch32_p99_ms)],
        ['  per text in the batch', ms(r.batch32_per_text_ms), ''],
        ['bare pgvector top-1', ms(r.pgvector_p50_ms), ms(r.pgvector_p99_ms)],
        ['Deja scoped lookup (SQL)', ms(r.scoped_p50_ms), ''],
      ],
    ),
    `one query embedding = ${r.embed_to_pgvector_ratio ?? 'n/a'} × the bare pgvector query`,
  ].join('\n');
}
