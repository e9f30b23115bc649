import type { Pool } from 'pg';
import pgvector from 'pgvector/pg';
import type { Answer, Cost, Usage } from '@deja/contracts';
import { sqlTextDigest, withTransaction } from '@deja/data-access-postgres';
import type { NamespaceOverrides } from '@deja/util-cache-policy';
import { EntrySigner, type SignedFields } from './entry-signer';

/** A stored answer as the lookup returns it. */
export interface CacheEntry {
  id: string;
  tenant: string;
  namespace: string;
  queryText: string;
  answer: Answer;
  usage: Usage;
  cost: Cost;
  ttlSeconds: number;
  expiresAt: Date;
  createdAt: Date;
}

export interface SemanticRow {
  id: string;
  queryText: string;
  similarity: number;
  /** The stored query's sentence vector: the decision stage compares it with the new query's. */
  vector: Float32Array;
  /** The verified entry itself, so a hit needs no second read. */
  entry: CacheEntry;
}

export interface NewEntry {
  tenant: string;
  namespace: string;
  scopeHash: string;
  queryHash: string;
  normalizedQuery: string;
  queryText: string;
  embedding: number[] | null;
  embeddingModel: string | null;
  requestId: string;
  provider: string;
  model: string;
  answer: Answer;
  usage: Usage;
  cost: Cost;
  namespaceVersion: number;
  docVersions: Record<string, number>;
  userId: string | null;
  /** The user who asked (personal or not), so erasing that user also removes their questions. */
  requestedBy?: string | null;
  /** When the request was submitted (default: now): a later erasure of its tenant or user fences it off. */
  submittedAt?: string;
  ttlSeconds: number;
}

/** A namespace as stored: its version and its overrides of the service defaults. */
export interface NamespaceRow extends NamespaceOverrides {
  version: number;
}

/** A namespace nobody configured: version 1, every policy field left to the service defaults. */
export const UNCONFIGURED_NAMESPACE: Readonly<NamespaceRow> = Object.freeze({
  version: 1,
  threshold: null,
  targetFalseHitRate: null,
  minThreshold: null,
  maxThreshold: null,
  ttlSeconds: null,
  slidingTtl: null,
});

/**
 * A namespace's version and policy overrides (version 1 and no overrides when never set). Also
 * read by the gateway, which refuses a request's threshold or TTL outside these bounds before it
 * stores or enqueues anything.
 */
export async function findNamespace(
  pool: Pick<Pool, 'query'>,
  tenant: string,
  namespace: string,
): Promise<NamespaceRow> {
  const { rows } = await pool.query(
    `SELECT version, threshold, target_false_hit_rate, min_threshold, max_threshold, ttl_seconds, sliding_ttl
       FROM namespaces WHERE tenant = $1 AND namespace = $2`,
    [tenant, namespace],
  );
  return rows[0] ? toNamespaceRow(rows[0]) : { ...UNCONFIGURED_NAMESPACE };
}

function toNamespaceRow(r: Record<string, unknown>): NamespaceRow {
  return {
    version: r.version as number,
    threshold: r.threshold as number | null,
    targetFalseHitRate: r.target_false_hit_rate as number | null,
    minThreshold: r.min_threshold as number | null,
    maxThreshold: r.max_threshold as number | null,
    ttlSeconds: r.ttl_seconds as number | null,
    slidingTtl: r.sliding_ttl as boolean | null,
  };
}

/** What a lookup starts from: whether its request id is new, and the versions current now. */
export interface LookupStart {
  /** False when another message already carried this request id (a duplicate to drop). */
  first: boolean;
  namespace: NamespaceRow;
  /** Current version of each named document (absent: never changed, version 0). */
  docVersions: Record<string, number>;
}

/**
 * Validity every served entry must satisfy, evaluated by the lookup query itself: not retired,
 * not expired, built from the namespace's current version and from the current version of every
 * document it used. Correctness never waits for a purge to run.
 */
const VALID = `
  e.retired_at IS NULL
  AND e.expires_at > now()
  AND e.namespace_version >= COALESCE((SELECT n.version FROM namespaces n WHERE n.tenant = e.tenant AND n.namespace = e.namespace), 1)
  AND NOT EXISTS (
    SELECT 1 FROM documents d
    WHERE d.tenant = e.tenant AND d.doc_id = ANY (e.doc_ids)
      AND (d.deleted OR d.version > COALESCE((e.doc_versions ->> d.doc_id)::bigint, 0))
  )`;

/** Scopes with at least this many live entries are searched through the HNSW index. */
export const LARGE_SCOPE = 2000;
/** Candidates read from the HNSW walk of a large scope before the exact re-sort (see findNearest). */
const HNSW_CANDIDATES = 40;

const ENTRY_COLUMNS = `e.id, e.tenant, e.namespace, e.query_text, e.answer, e.usage, e.cost, e.ttl_seconds, e.expires_at, e.created_at,
  e.scope_hash, e.query_hash, e.namespace_version, e.doc_versions, e.user_id, e.signature`;

/** Postgres + pgvector access for cache entries and the version tables. */
export class CacheRepository {
  private readonly indexedDims = new Set<number>([384]);
  private readonly scopeSizes = new Map<string, { large: boolean; checkedAt: number }>();

  /**
   * @param onForged called for each row whose signature does not verify (it is never served)
   */
  constructor(
    private readonly pool: Pool,
    private readonly signer: EntrySigner = EntrySigner.development(),
    private readonly onForged: (entryId: string) => void = () => undefined,
  ) {}

  /** The row as an entry, or null when its signature does not verify. */
  private verified(row: Record<string, unknown>): CacheEntry | null {
    const ok = this.signer.verify(signedFieldsOf(row), (row.signature as string | null) ?? null);
    if (!ok) {
      this.onForged(row.id as string);
      return null;
    }
    return toEntry(row);
  }

  /** Current namespace version and policy overrides (version 1 and defaults when never set). */
  async namespace(tenant: string, namespace: string): Promise<NamespaceRow> {
    return findNamespace(this.pool, tenant, namespace);
  }

  /** Current version of each named document (absent: never changed, version 0). Deleted documents keep their last version; the lookup query refuses entries that used them. */
  async documentVersions(tenant: string, docIds: readonly string[]): Promise<Record<string, number>> {
    if (docIds.length === 0) return {};
    const { rows } = await this.pool.query<{ doc_id: string; version: number; deleted: boolean }>(
      `SELECT doc_id, version, deleted FROM documents WHERE tenant = $1 AND doc_id = ANY ($2::text[])`,
      [tenant, docIds],
    );
    return Object.fromEntries(rows.map((r) => [r.doc_id, r.version]));
  }

  /** Exact tier: same scope, same normalised query. No embedding involved. */
  async findExact(tenant: string, scopeHash: string, queryHash: string): Promise<CacheEntry | null> {
    const { rows } = await this.pool.query(
      `SELECT ${ENTRY_COLUMNS} FROM cache_entries e
       WHERE e.tenant = $1 AND e.scope_hash = $2 AND e.query_hash = $3 AND ${VALID}
       ORDER BY e.created_at DESC LIMIT 3`,
      [tenant, scopeHash, queryHash],
    );
    for (const row of rows) {
      const entry = this.verified(row);
      if (entry) return entry;
    }
    return null;
  }

  /**
   * Semantic tier: nearest stored queries by cosine similarity, within the scope (a hard filter),
   * among entries of the same embedding model and dimension only.
   */
  async findNearest(
    tenant: string,
    scopeHash: string,
    embeddingModel: string,
    embedding: Float32Array,
    k: number,
  ): Promise<SemanticRow[]> {
    const dim = dimensionOf(embedding);
    const sql = `SELECT ${ENTRY_COLUMNS}, e.embedding::text AS vector,
              1 - ((e.embedding::vector(${dim})) <=> $3::vector(${dim})) AS similarity
       FROM cache_entries e
       WHERE e.tenant = $1 AND e.scope_hash = $2 AND e.embedding_dim = ${dim} AND e.embedding_model = $4 AND ${VALID}
       ORDER BY (e.embedding::vector(${dim})) <=> $3::vector(${dim})
       LIMIT $5`;
    const params = [tenant, scopeHash, pgvector.toSql(Array.from(embedding)), embeddingModel, k];
    // Small scopes: the planner reads the scope through the btree and sorts it — exact and fast.
    // Large scopes: that sort grows with the scope, so walk the HNSW index instead, with
    // pgvector 0.8's iterative scan so the scope filter cannot starve the result.
    const large = await this.scopeAtLeast(tenant, scopeHash, LARGE_SCOPE);
    // relaxed_order emits the walk's tuples only roughly by distance, so the first k of them can
    // miss the nearest: take HNSW_CANDIDATES and keep the best k after sorting them here.
    let rows = large ? await this.viaHnsw(sql, [...params.slice(0, 4), Math.max(k, HNSW_CANDIDATES)]) : [];
    // The index walk can come back short when the scope is a small part of a big table (its scan
    // budget runs out): then the exact path answers, slower but never missing a neighbour.
    if (rows.length < k) rows = (await this.pool.query(sql, params)).rows;
    // Only the best k are verified (an HMAC each): this is the cache-hit path.
    const best = rows.sort((a, b) => Number(b.similarity) - Number(a.similarity)).slice(0, k);
    const found: SemanticRow[] = [];
    for (const r of best) {
      const entry = this.verified(r);
      if (!entry) continue;
      // pgvector's text form ("[0.1,-0.2,…]") is a JSON array.
      const vector = Float32Array.from(JSON.parse(String(r.vector)) as number[]);
      found.push({ id: entry.id, queryText: entry.queryText, similarity: Number(r.similarity), vector, entry });
    }
    return found;
  }

  /**
   * Whether the scope holds at least `n` live entries (counts no further than `n`). A scope that
   * is large stays large, so that verdict is remembered; small verdicts are re-checked after a
   * minute, which keeps the extra query off most lookups of busy scopes.
   */
  private async scopeAtLeast(tenant: string, scopeHash: string, n: number): Promise<boolean> {
    const key = `${tenant}\u0000${scopeHash}`;
    const known = this.scopeSizes.get(key);
    if (known && (known.large || known.checkedAt > Date.now() - 60_000)) return known.large;
    const large = await this.countScopeAtLeast(tenant, scopeHash, n);
    if (this.scopeSizes.size >= 10_000) this.scopeSizes.clear();
    this.scopeSizes.set(key, { large, checkedAt: Date.now() });
    return large;
  }

  private async countScopeAtLeast(tenant: string, scopeHash: string, n: number): Promise<boolean> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM cache_entries WHERE tenant = $1 AND scope_hash = $2 AND retired_at IS NULL LIMIT $3) s`,
      [tenant, scopeHash, n],
    );
    return (rows[0]?.n ?? 0) >= n;
  }

  private async viaHnsw(sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    return withTransaction(this.pool, async (client) => {
      // Sorting the btree's rows is what the planner would pick; forbid it so the ordered HNSW
      // scan wins. relaxed_order may return near-ties out of order: the caller re-sorts.
      await client.query('SET LOCAL enable_sort = off');
      await client.query("SET LOCAL hnsw.iterative_scan = 'relaxed_order'");
      await client.query('SET LOCAL hnsw.ef_search = 200');
      return (await client.query(sql, params)).rows;
    });
  }

  /**
   * Stores an answer once per (tenant, request id): a redelivered completion changes nothing.
   * Returns the entry's id and whether this call stored it: the earlier entry's id when the
   * request had been stored before, an empty id when an erasure fenced the answer off.
   */
  async insert(entry: NewEntry): Promise<{ id: string; inserted: boolean }> {
    const docIds = Object.keys(entry.docVersions);
    const submittedAt = entry.submittedAt ?? new Date().toISOString();
    // Nothing is stored for a request submitted before an erasure of its tenant or user: an
    // answer still in flight when the data was erased must not bring it back.
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO cache_entries (tenant, namespace, scope_hash, query_hash, normalized_query, query_text, embedding, embedding_model, embedding_dim,
         request_id, provider, model, answer, usage, cost, namespace_version, doc_versions, doc_ids, user_id, ttl_seconds, expires_at, signature, requested_by)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20::int, now() + make_interval(secs => $20::int), $21, $22
        WHERE NOT ${erasedSince('$1', '$22::text', '$23::timestamptz')}
       ON CONFLICT (tenant, request_id) DO NOTHING
       RETURNING id`,
      this.insertParams(entry, docIds, submittedAt),
    );
    if (rows[0]) {
      // An erasure committed while this statement ran was not in its snapshot, and the erasure's
      // delete may not have seen this row: checking again after the commit closes that window.
      const fenced = await this.pool.query(
        `DELETE FROM cache_entries c WHERE c.id = $1 AND ${erasedSince('c.tenant', 'c.requested_by', '$2::timestamptz')}`,
        [rows[0].id, submittedAt],
      );
      return (fenced.rowCount ?? 0) > 0 ? { id: '', inserted: false } : { id: rows[0].id, inserted: true };
    }
    const existing = await this.pool.query<{ id: string }>(
      `SELECT id FROM cache_entries WHERE tenant = $1 AND request_id = $2`,
      [entry.tenant, entry.requestId],
    );
    return { id: existing.rows[0]?.id ?? '', inserted: false };
  }

  /** The INSERT's parameters, in column order, with the entry's signature. */
  private insertParams(entry: NewEntry, docIds: string[], submittedAt: string): unknown[] {
    return [
      entry.tenant,
      entry.namespace,
      entry.scopeHash,
      entry.queryHash,
      entry.normalizedQuery,
      entry.queryText,
      entry.embedding ? pgvector.toSql(entry.embedding) : null,
      entry.embeddingModel,
      entry.embedding ? entry.embedding.length : null,
      entry.requestId,
      entry.provider,
      entry.model,
      JSON.stringify(entry.answer),
      JSON.stringify(entry.usage),
      JSON.stringify(entry.cost),
      entry.namespaceVersion,
      JSON.stringify(entry.docVersions),
      docIds,
      entry.userId,
      entry.ttlSeconds,
      this.signer.sign({
        tenant: entry.tenant,
        namespace: entry.namespace,
        scopeHash: entry.scopeHash,
        queryHash: entry.queryHash,
        queryText: entry.queryText,
        answer: entry.answer,
        namespaceVersion: entry.namespaceVersion,
        docVersions: entry.docVersions,
        userId: entry.userId,
      }),
      entry.requestedBy ?? null,
      submittedAt,
    ];
  }

  /** Counts a hit; moves the expiry only when the caller passes one (sliding TTL). */
  async recordHit(id: string, newExpiry: Date | null): Promise<void> {
    await this.pool.query(
      `UPDATE cache_entries SET hit_count = hit_count + 1, last_hit_at = now(), expires_at = COALESCE($2, expires_at) WHERE id = $1`,
      [id, newExpiry],
    );
  }

  /**
   * {@link claimRequest}, {@link namespace} and {@link documentVersions} in one statement: every
   * lookup needs all three, and on a busy service each round trip waits its turn for the
   * database and the event loop. The versions are read in the statement's snapshot, as the
   * separate reads did (a bump committed before it is seen; no cache in between).
   */
  async startLookup(
    tenant: string,
    requestId: string,
    messageRef: string,
    namespace: string,
    docIds: readonly string[],
  ): Promise<LookupStart> {
    const { rows } = await this.pool.query(
      `WITH ins AS (
         INSERT INTO request_log (tenant, request_id, message_ref) VALUES ($1, $2, $3)
         ON CONFLICT (tenant, request_id) DO NOTHING RETURNING message_ref)
       SELECT COALESCE((SELECT message_ref FROM ins),
                       (SELECT message_ref FROM request_log WHERE tenant = $1 AND request_id = $2)) AS message_ref,
              n.version, n.threshold, n.target_false_hit_rate, n.min_threshold, n.max_threshold, n.ttl_seconds, n.sliding_ttl,
              (SELECT COALESCE(jsonb_object_agg(d.doc_id, d.version), '{}'::jsonb) FROM documents d
                WHERE d.tenant = $1 AND d.doc_id = ANY ($5::text[])) AS doc_versions
         FROM (VALUES (1)) AS one (x)
         LEFT JOIN namespaces n ON n.tenant = $1 AND n.namespace = $4`,
      [tenant, requestId, messageRef, namespace, docIds],
    );
    const r = rows[0] as Record<string, unknown>;
    return {
      first: r.message_ref === messageRef,
      namespace: r.version === null ? { ...UNCONFIGURED_NAMESPACE } : toNamespaceRow(r),
      docVersions: r.doc_versions as Record<string, number>,
    };
  }

  /**
   * The exact tier in one statement, without claiming the request id: the namespace's version and
   * policy, the documents' versions, and the entries stored under `keys` (the caller's guess of
   * the scope, derived from the versions it saw last). The entries are served only when the
   * versions read here are the ones the guess was derived from; otherwise the caller derives the
   * keys again and asks {@link findExact}. The versions are read in the statement's snapshot, so a
   * bump committed before it is seen at once.
   */
  async exactLookup(
    tenant: string,
    namespace: string,
    docIds: readonly string[],
    keys: { scopeHash: string; queryHash: string } | null,
  ): Promise<Omit<LookupStart, 'first'> & { entry: CacheEntry | null }> {
    const { rows } = await this.pool.query(
      `SELECT n.version AS ns_version, n.threshold AS ns_threshold, n.target_false_hit_rate AS ns_target_false_hit_rate,
              n.min_threshold AS ns_min_threshold, n.max_threshold AS ns_max_threshold, n.ttl_seconds AS ns_ttl_seconds,
              n.sliding_ttl AS ns_sliding_ttl,
              (SELECT COALESCE(jsonb_object_agg(d.doc_id, d.version), '{}'::jsonb) FROM documents d
                WHERE d.tenant = $1 AND d.doc_id = ANY ($3::text[])) AS current_doc_versions,
              hit.*
         FROM (VALUES (1)) AS one (x)
         LEFT JOIN namespaces n ON n.tenant = $1 AND n.namespace = $2
         LEFT JOIN LATERAL (
           SELECT ${ENTRY_COLUMNS} FROM cache_entries e
            WHERE e.tenant = $1 AND e.scope_hash = $4 AND e.query_hash = $5 AND ${VALID}
            ORDER BY e.created_at DESC LIMIT 3) hit ON true`,
      [tenant, namespace, docIds, keys?.scopeHash ?? null, keys?.queryHash ?? null],
    );
    const first = rows[0] as Record<string, unknown>;
    const ns = first.ns_version === null ? { ...UNCONFIGURED_NAMESPACE } : toNamespaceRow(unprefixed(first, 'ns_'));
    const entry = rows.filter((r) => r.id !== null).reduce<CacheEntry | null>((e, r) => e ?? this.verified(r), null);
    return { namespace: ns, docVersions: first.current_doc_versions as Record<string, number>, entry };
  }

  /**
   * Remembers a request id. `first` is false when another message already carried this id (a
   * duplicate to drop); a redelivery of the same message (same ref) counts as first again.
   */
  async claimRequest(tenant: string, requestId: string, messageRef: string): Promise<{ first: boolean }> {
    const { rows } = await this.pool.query<{ message_ref: string }>(
      `WITH ins AS (
         INSERT INTO request_log (tenant, request_id, message_ref) VALUES ($1, $2, $3)
         ON CONFLICT (tenant, request_id) DO NOTHING RETURNING message_ref)
       SELECT message_ref FROM ins UNION ALL
       SELECT message_ref FROM request_log WHERE tenant = $1 AND request_id = $2 AND NOT EXISTS (SELECT 1 FROM ins)`,
      [tenant, requestId, messageRef],
    );
    return { first: rows[0]?.message_ref === messageRef };
  }

  /** Makes sure a vector index exists for an embedding dimension other than the default. */
  async ensureVectorIndex(dim: number): Promise<void> {
    if (this.indexedDims.has(dim)) return;
    const d = dimensionOf(new Float32Array(dim));
    await this.pool.query(
      `CREATE INDEX IF NOT EXISTS cache_entries_hnsw_${d} ON cache_entries USING hnsw ((embedding::vector(${d})) vector_cosine_ops) WHERE embedding_dim = ${d}`,
    );
    this.indexedDims.add(dim);
  }
}

/** SQL: an erasure of the tenant, or of the user who asked, was requested at or after `since`. */
function erasedSince(tenant: string, requestedBy: string, since: string): string {
  return `EXISTS (SELECT 1 FROM erasures e WHERE e.tenant = ${tenant} AND e.requested_at >= ${since}
            AND (e.user_digest IS NULL OR e.user_digest = ${sqlTextDigest(requestedBy)}))`;
}

/** The dimension as a validated integer: it is inlined into SQL (a type modifier cannot be a parameter). */
function dimensionOf(v: Float32Array): number {
  const dim = v.length;
  if (!Number.isInteger(dim) || dim < 1 || dim > 16000) throw new RangeError(`invalid embedding dimension ${dim}`);
  return dim;
}

/** The columns of `row` that start with `prefix`, named without it. */
function unprefixed(row: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

function signedFieldsOf(r: Record<string, unknown>): SignedFields {
  return {
    tenant: r.tenant as string,
    namespace: r.namespace as string,
    scopeHash: r.scope_hash as string,
    queryHash: r.query_hash as string,
    queryText: r.query_text as string,
    answer: r.answer,
    namespaceVersion: Number(r.namespace_version),
    docVersions: (r.doc_versions as Record<string, number>) ?? {},
    userId: (r.user_id as string | null) ?? null,
  };
}

function toEntry(r: Record<string, unknown>): CacheEntry {
  return {
    id: r.id as string,
    tenant: r.tenant as string,
    namespace: r.namespace as string,
    queryText: r.query_text as string,
    answer: r.answer as Answer,
    usage: r.usage as Usage,
    cost: r.cost as Cost,
    ttlSeconds: r.ttl_seconds as number,
    expiresAt: r.expires_at as Date,
    createdAt: r.created_at as Date,
  };
}
