import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { CacheEntry, LookupStart, NamespaceRow, NewEntry, SemanticRow } from '@deja/data-access-cache';
import { CacheRepository, UNCONFIGURED_NAMESPACE } from '@deja/data-access-cache';
import { dot } from '@deja/data-access-embeddings';

interface Stored {
  entry: CacheEntry;
  scopeHash: string;
  queryHash: string;
  embedding: Float32Array | null;
  embeddingModel: string | null;
}

/**
 * `CacheRepository` in memory, for quality runs over tens of thousands of pairs: the same
 * `SemanticCache` decision code runs on top of it, only the storage differs. It keeps the
 * repository's contract — scope (tenant + scope hash) as a hard filter, the newest entry for the
 * exact tier, the k nearest by cosine of the same model for the semantic tier — with an exact
 * scan instead of HNSW. Versions are never bumped in a benchmark, so validity is always true.
 * The smoke test checks that decisions through it equal decisions through Postgres.
 */
export class MemoryCacheRepository extends CacheRepository {
  private readonly byScope = new Map<string, Stored[]>();
  private readonly byId = new Map<string, Stored>();

  constructor() {
    // No pool: every method that would use it is overridden.
    super(null as unknown as Pool);
  }

  override async namespace(): Promise<NamespaceRow> {
    return { ...UNCONFIGURED_NAMESPACE };
  }

  override async documentVersions(): Promise<Record<string, number>> {
    return {};
  }

  override async findExact(tenant: string, scopeHash: string, queryHash: string): Promise<CacheEntry | null> {
    const rows = this.byScope.get(key(tenant, scopeHash)) ?? [];
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i].queryHash === queryHash) return rows[i].entry;
    return null;
  }

  override async findNearest(
    tenant: string,
    scopeHash: string,
    embeddingModel: string,
    embedding: Float32Array,
    k: number,
  ): Promise<SemanticRow[]> {
    const rows = (this.byScope.get(key(tenant, scopeHash)) ?? [])
      .filter(
        (r) => r.embedding !== null && r.embeddingModel === embeddingModel && r.embedding.length === embedding.length,
      )
      .map((r) => ({
        id: r.entry.id,
        queryText: r.entry.queryText,
        similarity: dot(r.embedding as Float32Array, embedding),
        vector: r.embedding as Float32Array,
        entry: r.entry,
      }));
    return rows.sort((a, b) => b.similarity - a.similarity).slice(0, k);
  }

  override async insert(e: NewEntry): Promise<{ id: string; inserted: boolean }> {
    const now = new Date();
    const stored: Stored = {
      entry: {
        id: randomUUID(),
        tenant: e.tenant,
        namespace: e.namespace,
        queryText: e.queryText,
        answer: e.answer,
        usage: e.usage,
        cost: e.cost,
        ttlSeconds: e.ttlSeconds,
        expiresAt: new Date(now.getTime() + e.ttlSeconds * 1000),
        createdAt: now,
      },
      scopeHash: e.scopeHash,
      queryHash: e.queryHash,
      embedding: e.embedding ? Float32Array.from(e.embedding) : null,
      embeddingModel: e.embeddingModel,
    };
    const k = key(e.tenant, e.scopeHash);
    const rows = this.byScope.get(k) ?? [];
    rows.push(stored);
    this.byScope.set(k, rows);
    this.byId.set(stored.entry.id, stored);
    return { id: stored.entry.id, inserted: true };
  }

  override async recordHit(): Promise<void> {
    // Hit counts are not measured here.
  }

  override async claimRequest(): Promise<{ first: boolean }> {
    // Every benchmark request id is unique.
    return { first: true };
  }

  override async startLookup(): Promise<LookupStart> {
    // Every benchmark request id is unique, and versions are never bumped here.
    return { first: true, namespace: { ...UNCONFIGURED_NAMESPACE }, docVersions: {} };
  }

  override async ensureVectorIndex(): Promise<void> {
    // An exact scan needs no index.
  }

  /** Drops every entry of a tenant (a finished pair), so memory stays flat over long runs. */
  forgetTenant(tenant: string): void {
    for (const [k, rows] of this.byScope) {
      if (!k.startsWith(`${tenant}\u0000`)) continue;
      for (const r of rows) this.byId.delete(r.entry.id);
      this.byScope.delete(k);
    }
  }
}

function key(tenant: string, scopeHash: string): string {
  return `${tenant}\u0000${scopeHash}`;
}
