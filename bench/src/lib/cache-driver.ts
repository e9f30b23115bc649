import { ContractsTesting, type RequestV1 } from '@deja/contracts';
import type { CacheRepository } from '@deja/data-access-cache';
import type { Embedder } from '@deja/data-access-embeddings';
import { CacheMetrics, DEFAULT_NAMESPACE_POLICY, SemanticCache } from '@deja/feature-semantic-cache';
import { Registry } from 'prom-client';

/** The service's default number of semantic candidates (DEJA_CACHE_TOP_K). */
export const SERVICE_TOP_K = 5;

export interface Asked {
  outcome: 'hit' | 'miss';
  tier: 'exact' | 'semantic' | null;
  similarity: number | null;
  /** The stored answer's content on a hit. */
  answer: string | null;
  rejectedBy: string | null;
}

/**
 * Drives Deja's real decision path the way the embedding-service does: `SemanticCache.lookup`
 * for a request, `SemanticCache.complete` for the provider's answer to a miss. Every request is
 * a one-turn chat under the same model, system prompt and namespace, so a tenant is a scope.
 */
export class CacheDriver {
  readonly cache: SemanticCache;
  readonly registry = new Registry();
  private seq = 0;

  constructor(
    repo: CacheRepository,
    embedder: Embedder,
    private readonly runId: string,
    topK = SERVICE_TOP_K,
  ) {
    this.cache = new SemanticCache(repo, embedder, new CacheMetrics(this.registry), {
      topK,
      defaults: DEFAULT_NAMESPACE_POLICY,
    });
  }

  /** How semantic candidates are decided under the namespace defaults (no override), for reports. */
  get rule(): string {
    const model = this.cache.decisionModel;
    return model && DEFAULT_NAMESPACE_POLICY.rule === 'learned'
      ? `learned stage ${model.name}, target false-hit rate ${DEFAULT_NAMESPACE_POLICY.targetFalseHitRate * 100}%, guards`
      : `threshold ${DEFAULT_NAMESPACE_POLICY.threshold.toFixed(2)} with guards`;
  }

  /** The raw threshold of the expert rule (namespace defaults, no override). */
  get threshold(): number {
    return DEFAULT_NAMESPACE_POLICY.threshold;
  }

  /** Stores `answer` for `question` in `tenant` without looking it up first (no-cache, store). */
  async store(tenant: string, question: string, answer: string): Promise<void> {
    const outcome = await this.cache.lookup(this.request(tenant, question, false), this.ref());
    if (outcome.kind !== 'miss')
      throw new Error(`storing ${JSON.stringify(question)} did not bypass the lookup: ${outcome.kind}`);
    const result = await this.cache.complete(ContractsTesting.completionFor(outcome.miss, answer));
    if (!result.cache.entry_id && !result.answer)
      throw new Error(`answer for ${JSON.stringify(question)} was not stored`);
  }

  /** Asks `question` in `tenant`: the cache's verdict (at the namespace's threshold, or `threshold` as a per-request override). */
  async ask(tenant: string, question: string, threshold?: number): Promise<Asked> {
    const request = this.request(tenant, question, true);
    if (threshold !== undefined) request.cache.threshold = threshold;
    const outcome = await this.cache.lookup(request, this.ref());
    switch (outcome.kind) {
      case 'hit':
        return {
          outcome: 'hit',
          tier: outcome.result.cache.tier,
          similarity: outcome.result.cache.similarity,
          answer: outcome.result.answer?.content ?? null,
          rejectedBy: null,
        };
      case 'miss':
        return {
          outcome: 'miss',
          tier: null,
          similarity: outcome.miss.lookup.nearest_similarity,
          answer: null,
          rejectedBy: outcome.miss.lookup.rejected_by,
        };
      case 'failed':
        throw new Error(
          `lookup failed for ${JSON.stringify(question)}: ${outcome.result.error?.message ?? 'unknown error'}`,
        );
      default:
        throw new Error(`unexpected lookup outcome ${outcome.kind} for ${JSON.stringify(question)}`);
    }
  }

  /** Total seconds and count per stage of the cache path, from the cache's own metrics. */
  async stageTotals(): Promise<Record<string, { seconds: number; count: number }>> {
    const metric = await this.registry.getSingleMetric('deja_stage_duration_seconds')?.get();
    const out: Record<string, { seconds: number; count: number }> = {};
    for (const v of metric?.values ?? []) {
      const stage = String(v.labels.stage);
      const name = (v as { metricName?: string }).metricName ?? '';
      out[stage] ??= { seconds: 0, count: 0 };
      if (name.endsWith('_sum')) out[stage].seconds = v.value;
      if (name.endsWith('_count')) out[stage].count = v.value;
    }
    return out;
  }

  private request(tenant: string, question: string, lookup: boolean): RequestV1 {
    return ContractsTesting.requestFor({
      requestId: `${this.runId}-${++this.seq}`,
      tenant,
      question,
      system: 'You are a helpful assistant. Answer the question.',
      cache: { namespace: 'bench', lookup },
    });
  }

  private ref(): string {
    return `bench:${this.seq}`;
  }
}

/** Runs `fn` over `items` with at most `concurrency` in flight, in order of start. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
