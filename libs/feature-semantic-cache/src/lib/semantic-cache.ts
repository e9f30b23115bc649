import type { CompletionV1, LookupContext, MissV1, RequestV1, ResultV1 } from '@deja/contracts';
import type { CacheRepository, LookupStart, NamespaceRow, NewEntry } from '@deja/data-access-cache';
import { dot, type Embedder } from '@deja/data-access-embeddings';
import { classifyPostgresError } from '@deja/data-access-postgres';
import {
  decide,
  decisionModelFor,
  DEFAULT_NAMESPACE_POLICY,
  type DecisionModel,
  effectiveTtlSeconds,
  namespacePolicy,
  type NamespacePolicy,
} from '@deja/util-cache-policy';
import { withSpan } from '@deja/util-telemetry';
import { expandAcronyms } from './acronyms';
import type { CacheMetrics } from './cache-metrics';
import { ExactTier, type Prepared, type RequestRule, type Unprepared } from './exact-tier';
import { completionResult, failedResult, nearCandidates } from './results';

export type LookupOutcome =
  | { kind: 'hit'; result: ResultV1 }
  | { kind: 'miss'; miss: MissV1; key: string }
  | { kind: 'failed'; result: ResultV1 }
  | { kind: 'duplicate' };

export interface SemanticCacheOptions {
  /** How many nearest neighbours the semantic tier compares (guards may refuse the first). */
  topK: number;
  /** Namespace defaults before per-namespace overrides. */
  defaults: NamespacePolicy;
  now?: () => Date;
  /**
   * The learned decision stage's weights; by default the shipped ones when they were trained on
   * this embedder's model (`decisionModelFor`). null: every namespace is decided by its raw threshold.
   */
  decisionModel?: DecisionModel | null;
  /** Called when the embedder fails: the lookup degrades to the exact tier. */
  onEmbedFailure?: (error: unknown) => void;
  /** What to do when Postgres is unreachable (default `bypass`). */
  databaseDownMode?: DatabaseDownMode;
  /** Per-namespace overrides of `databaseDownMode` (e.g. `fail` for a namespace that must not pay for uncached calls). */
  databaseDownModeByNamespace?: Readonly<Record<string, DatabaseDownMode>>;
  onDegraded?: (error: unknown, mode: DatabaseDownMode) => void;
  /** Called when Postgres refuses to store an answer (the answer is still delivered). */
  onStoreFailure?: (error: unknown) => void;
}

export type DatabaseDownMode = 'bypass' | 'fail' | 'retry';

/** Scope and query hash of a request that is never stored or looked up. */
const NOT_CACHEABLE = '-';

/**
 * The one way a miss's lookup context is built: what the lookup learned, over the defaults of a
 * lookup that learned nothing (no scope, no vector, no candidate, nothing to store).
 */
function lookupContext(
  fields: Pick<LookupContext, 'outcome' | 'rejected_by' | 'threshold'> & Partial<LookupContext>,
): LookupContext {
  return {
    scope_hash: NOT_CACHEABLE,
    query_hash: NOT_CACHEABLE,
    normalized_query: '',
    embedding_model: null,
    embedding: null,
    namespace_version: 0,
    doc_versions: {},
    nearest_similarity: null,
    cacheable: false,
    ...fields,
  };
}
/** Candidates below this similarity are unrelated even with an acronym spelled out. */
const ACRONYM_RESCORE_FLOOR = 0.3;

/**
 * The cache decision for one request, and the storing of new answers. Scope is a hard filter
 * (a hash every entry must match exactly); similarity is compared only within it; guards refuse
 * look-alike questions with different answers. Framework-free: the embedding-service wires it to
 * Kafka, the embedded mode to its in-process bus.
 */
export class SemanticCache {
  private readonly now: () => Date;
  /** The learned stage's weights, or null when none fit this embedder (threshold rule only). */
  readonly decisionModel: DecisionModel | null;
  /** The exact tier this cache runs first (the gateway answers exact hits with its own instance). */
  private readonly exact: ExactTier;

  constructor(
    private readonly repo: CacheRepository,
    private readonly embedder: Embedder,
    private readonly metrics: CacheMetrics,
    private readonly options: SemanticCacheOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.decisionModel = options.decisionModel === undefined ? decisionModelFor(embedder.model) : options.decisionModel;
    this.exact = new ExactTier(repo, metrics, {
      defaults: options.defaults,
      decisionModel: this.decisionModel,
      now: this.now,
    });
  }

  /** The lookup in its own span, with the decision's attributes (never the prompt text). */
  async lookup(request: RequestV1, messageRef: string): Promise<LookupOutcome> {
    return withSpan(
      'deja.cache.lookup',
      {
        'deja.tenant': request.tenant,
        'deja.request_id': request.request_id,
        'deja.namespace': request.cache.namespace,
        'gen_ai.system': request.request.provider,
        'gen_ai.request.model': request.request.model,
      },
      async (span) => {
        const outcome = await this.degradeWhenDatabaseDown(
          request.cache.namespace,
          () => this.lookupInner(request, messageRef),
          (mode) => this.degradedLookup(request, mode),
        );
        const decision = outcome.kind === 'hit' || outcome.kind === 'failed' ? outcome.result.cache : null;
        const miss = outcome.kind === 'miss' ? outcome.miss.lookup : null;
        span.setAttributes({
          'deja.cache.outcome': miss ? miss.outcome : outcome.kind,
          'deja.cache.tier': decision?.tier ?? 'none',
          'deja.cache.similarity': decision?.similarity ?? miss?.nearest_similarity ?? -1,
          'deja.cache.threshold': decision?.threshold ?? miss?.threshold ?? -1,
          'deja.cache.entry_id': decision?.entry_id ?? '',
          'deja.cache.rejected_by': decision?.rejected_by ?? miss?.rejected_by ?? '',
          'deja.scope_hash': miss?.scope_hash ?? '',
        });
        return outcome;
      },
    );
  }

  /**
   * Postgres unreachable: `bypass` answers from the provider without the cache (nothing stored),
   * `fail` answers at once with a retriable error, `retry` leaves the message to be retried.
   */
  private async degradeWhenDatabaseDown<T>(
    namespace: string,
    run: () => Promise<T>,
    degraded: (mode: DatabaseDownMode) => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const mode = this.databaseDownMode(namespace);
      if (!isDatabaseUnavailable(error) || mode === 'retry') throw error;
      this.metrics.degraded.inc({ reason: 'postgres_unavailable' });
      this.options.onDegraded?.(error, mode);
      return degraded(mode);
    }
  }

  private databaseDownMode(namespace: string): DatabaseDownMode {
    return this.options.databaseDownModeByNamespace?.[namespace] ?? this.options.databaseDownMode ?? 'bypass';
  }

  private async degradedLookup(request: RequestV1, mode: DatabaseDownMode): Promise<LookupOutcome> {
    if (mode === 'fail') {
      return {
        kind: 'failed',
        result: failedResult(
          request,
          { code: 'cache_unavailable', message: 'the cache database is unreachable; retry later', retriable: true },
          this.now(),
        ),
      };
    }
    this.metrics.lookups.inc({ outcome: 'bypass', tier: 'none' });
    const lookup = lookupContext({ outcome: 'bypass', rejected_by: 'degraded:postgres_unavailable', threshold: null });
    return this.miss(request, lookup, `${request.tenant}:${request.request_id}`);
  }

  /** The lookup as the algorithm reads: claim (and versions) → policy and keys → exact tier ?? semantic tier. */
  private async lookupInner(request: RequestV1, messageRef: string): Promise<LookupOutcome> {
    const { tenant, request_id, cache } = request;
    // One round trip: the claim of the request id and the versions the keys are built from.
    const start = await this.metrics.time('claim', () =>
      this.repo.startLookup(
        tenant,
        request_id,
        messageRef,
        cache.namespace,
        cache.context_docs.map((d) => d.id),
      ),
    );
    if (!start.first) {
      this.metrics.duplicates.inc();
      return { kind: 'duplicate' };
    }
    const prepared = this.metrics.timeSync('policy', () => this.exact.prepare(request, start));
    if (prepared.kind !== 'ready') return this.unprepared(request, start, prepared);
    if (!request.cache.lookup) return this.storeOnly(request, prepared);
    const exact = await this.exact.find(request, prepared);
    return exact ? { kind: 'hit', result: exact } : this.semanticTier(request, prepared);
  }

  /** A request whose policy refuses it fails; one that may not be cached is a bypass. */
  private unprepared(
    request: RequestV1,
    { namespace, docVersions }: Pick<LookupStart, 'namespace' | 'docVersions'>,
    why: Unprepared,
  ): LookupOutcome {
    if (why.kind === 'refused') {
      this.metrics.lookups.inc({ outcome: 'failed', tier: 'none' });
      const reason = { code: why.error.code, message: why.error.message, retriable: false };
      return { kind: 'failed', result: failedResult(request, reason, this.now()) };
    }
    this.metrics.lookups.inc({ outcome: 'bypass', tier: 'none' });
    const context = lookupContext({
      namespace_version: namespace.version,
      doc_versions: docVersions,
      outcome: 'bypass',
      rejected_by: `not_cacheable:${why.reason}`,
      ...why.rule.reported,
    });
    return this.miss(request, context, `${request.tenant}:${request.request_id}`);
  }

  /** `lookup: false`: nothing is served, but the answer is stored — so its embedding is sent along. */
  private async storeOnly(request: RequestV1, { keys, context }: Prepared): Promise<LookupOutcome> {
    this.metrics.lookups.inc({ outcome: 'bypass', tier: 'none' });
    const embedding = keys.semanticEligible && request.cache.store ? await this.embedOrNull(keys.queryText) : null;
    return this.miss(
      request,
      lookupContext({ ...context, ...this.embedded(embedding), outcome: 'bypass', rejected_by: null }),
      keys.missKey,
    );
  }

  /** Embed, read the scope's nearest candidates, let the decision stage pick one or none. */
  private async semanticTier(request: RequestV1, { policy, rule, keys, context }: Prepared): Promise<LookupOutcome> {
    const embedding = keys.semanticEligible ? await this.embedOrNull(keys.queryText) : null;
    const queryVector = embedding ? Float32Array.from(embedding) : undefined;
    const candidates = queryVector
      ? await this.metrics.time('semantic_lookup', () =>
          this.repo.findNearest(request.tenant, keys.scopeHash, this.embedder.model, queryVector, this.options.topK),
        )
      : [];
    let decision = this.metrics.timeSync('decide', () =>
      decide({
        ...rule.input,
        learned: rule.input.learned ? { ...rule.input.learned, queryVector } : null,
        queryText: keys.queryText,
        candidates: candidates.map((c) => ({
          entryId: c.id,
          similarity: c.similarity,
          queryText: c.queryText,
          vector: c.vector,
        })),
      }),
    );
    const firstLook = decision.verdicts;
    if (decision.outcome === 'miss' && candidates.length > 0)
      decision = (await this.acronymRescore(keys.queryText, candidates, rule.input)) ?? decision;
    const near = nearCandidates(
      candidates,
      decision.verdicts === firstLook ? firstLook : [...firstLook, ...decision.verdicts],
    );
    // findNearest returned the verified entries: no second read on the hit path.
    const entry = decision.outcome === 'hit' ? candidates.find((c) => c.id === decision.entryId)?.entry : undefined;
    if (entry) return { kind: 'hit', result: this.exact.serve(request, entry, decision, policy, near) };
    if (decision.similarity !== null) this.metrics.similarity.observe({ outcome: 'miss' }, decision.similarity);
    if (decision.rejectedBy) this.metrics.guardRejections.inc({ guard: decision.rejectedBy });
    this.metrics.lookups.inc({ outcome: 'miss', tier: 'none' });
    const lookup = lookupContext({
      ...context,
      ...this.embedded(embedding),
      nearest_similarity: decision.similarity,
      nearest_probability: decision.probability === null ? null : roundProbability(decision.probability),
      outcome: 'miss',
      rejected_by: decision.rejectedBy,
      ...(near.length > 0 ? { candidates: near } : {}),
    });
    return this.miss(request, lookup, keys.missKey);
  }

  /** The question's vector travels with the miss so the store does not embed it again. */
  private embedded(embedding: number[] | null): Pick<LookupContext, 'embedding' | 'embedding_model'> {
    return { embedding, embedding_model: embedding ? this.embedder.model : null };
  }

  /**
   * Stores a provider's answer when it may be reused — completed, whole, storable, cacheable —
   * and returns the result for the caller. Idempotent per request id.
   */
  async complete(c: CompletionV1): Promise<ResultV1> {
    return withSpan(
      'deja.cache.store',
      { 'deja.tenant': c.tenant, 'deja.request_id': c.request_id, 'deja.scope_hash': c.lookup.scope_hash },
      async (span) => {
        const result = await this.degradeWhenDatabaseDown(
          c.cache.namespace,
          () => this.completeInner(c),
          async () => completionResult(c, null, this.now()),
        );
        span.setAttributes({
          'deja.cache.stored': result.cache.entry_id !== null,
          'deja.cache.entry_id': result.cache.entry_id ?? '',
        });
        return result;
      },
    );
  }

  private async completeInner(c: CompletionV1): Promise<ResultV1> {
    const answer = storableAnswer(c);
    if (!answer) {
      this.metrics.stored.inc({ result: c.status === 'failed' ? 'skipped_error' : 'skipped' });
      return completionResult(c, null, this.now());
    }
    const ns = await this.repo.namespace(c.tenant, c.cache.namespace);
    let ttlSeconds: number;
    try {
      ttlSeconds = effectiveTtlSeconds(policyFor(ns, this.options.defaults), c.cache.ttl_seconds);
    } catch {
      this.metrics.stored.inc({ result: 'skipped_policy' });
      return completionResult(c, null, this.now());
    }
    let embedding = c.lookup.embedding;
    if (!embedding && c.lookup.normalized_query.length > 0) embedding = await this.embedOrNull(lastUserText(c));
    if (embedding) await this.repo.ensureVectorIndex(embedding.length);
    const embeddingModel = embedding ? (c.lookup.embedding_model ?? this.embedder.model) : null;
    let stored: { id: string; inserted: boolean };
    try {
      stored = await this.metrics.time('store', () =>
        this.repo.insert(newEntry(c, answer, { embedding, embeddingModel, ttlSeconds })),
      );
    } catch (error) {
      // The database is reachable but refuses this answer (data it cannot hold): the caller still
      // gets the answer; only the caching is lost. Connection failures go to the degraded modes.
      if (isDatabaseUnavailable(error)) throw error;
      this.metrics.stored.inc({ result: 'failed' });
      this.options.onStoreFailure?.(error);
      return completionResult(c, null, this.now());
    }
    this.metrics.stored.inc({ result: stored.inserted ? 'stored' : 'duplicate' });
    return completionResult(c, stored.id || null, this.now());
  }

  /**
   * Second look at near candidates when an acronym in one text is spelled out in the other
   * (see acronyms.ts): both are re-embedded with the acronym expanded, and the guards judge the
   * expanded texts. Only misses that involve such an acronym pay for it.
   */
  private async acronymRescore(
    query: string,
    candidates: ReadonlyArray<{ id: string; queryText: string; similarity: number }>,
    rule: RequestRule['input'],
  ): Promise<ReturnType<typeof decide> | null> {
    const pairs = candidates
      .filter((c) => c.similarity >= ACRONYM_RESCORE_FLOOR)
      .map((c) => {
        const q = expandAcronyms(query, c.queryText);
        const e = expandAcronyms(c.queryText, query);
        return q || e ? { id: c.id, query: q ?? query, candidate: e ?? c.queryText } : null;
      })
      .filter((p): p is { id: string; query: string; candidate: string } => p !== null);
    if (pairs.length === 0) return null;
    const vectors = await this.metrics.time('embed', () =>
      this.embedder.embed(pairs.flatMap((p) => [p.query, p.candidate])),
    );
    let best: ReturnType<typeof decide> | null = null;
    pairs.forEach((p, i) => {
      const similarity = dot(vectors[2 * i], vectors[2 * i + 1]);
      // The learned stage compares the expanded texts' own vectors, not the stored ones.
      const d = decide({
        ...rule,
        learned: rule.learned ? { ...rule.learned, queryVector: vectors[2 * i] } : null,
        queryText: p.query,
        candidates: [{ entryId: p.id, similarity, queryText: p.candidate, vector: vectors[2 * i + 1] }],
      });
      if (d.outcome === 'hit' && (!best || (d.similarity ?? 0) > (best.similarity ?? 0))) best = d;
    });
    return best;
  }

  private miss(request: RequestV1, lookup: LookupContext, key: string): LookupOutcome {
    return { kind: 'miss', miss: { ...request, lookup }, key };
  }

  private async embedOrNull(text: string): Promise<number[] | null> {
    try {
      const [v] = await this.metrics.time('embed', () => this.embedder.embed([text]), {
        'gen_ai.request.model': this.embedder.model,
        'deja.embed.batch': 1,
      });
      return Array.from(v);
    } catch (error) {
      this.options.onEmbedFailure?.(error);
      return null;
    }
  }
}

/** Connection-level failures of Postgres (not query errors): the database may come back. */
function isDatabaseUnavailable(error: unknown): boolean {
  return classifyPostgresError(error) === 'unavailable';
}

/** Namespace overrides over the service defaults, validated. */
export function policyFor(ns: NamespaceRow, defaults: NamespacePolicy): NamespacePolicy {
  return namespacePolicy(ns, defaults);
}

/** The answer, when it may be reused: completed, whole, storable, cacheable, no error. */
function storableAnswer(c: CompletionV1): NonNullable<CompletionV1['answer']> | null {
  const ok = c.status === 'completed' && c.complete && c.cache.store && c.lookup.cacheable && c.error === null;
  return ok ? c.answer : null;
}

/** The cache row for a completion, with the versions and scope its lookup saw. */
function newEntry(
  c: CompletionV1,
  answer: NonNullable<CompletionV1['answer']>,
  stored: { embedding: number[] | null; embeddingModel: string | null; ttlSeconds: number },
): NewEntry {
  return {
    tenant: c.tenant,
    namespace: c.cache.namespace,
    scopeHash: c.lookup.scope_hash,
    queryHash: c.lookup.query_hash,
    normalizedQuery: c.lookup.normalized_query,
    queryText: lastUserText(c),
    ...stored,
    requestId: c.request_id,
    provider: c.request.provider,
    model: c.request.model,
    // A stream cut inside a surrogate pair leaves half a character that jsonb refuses.
    answer: { ...answer, content: answer.content.toWellFormed() },
    usage: c.usage,
    cost: c.cost,
    namespaceVersion: c.lookup.namespace_version,
    docVersions: c.lookup.doc_versions,
    userId: c.cache.personal ? (c.cache.user ?? null) : null,
    requestedBy: c.cache.user ?? null,
    submittedAt: c.submitted_at,
  };
}

function lastUserText(c: CompletionV1): string {
  const last = c.request.messages[c.request.messages.length - 1];
  if (!last) return '';
  return typeof last.content === 'string'
    ? last.content
    : last.content
        .filter((p) => !p.cacheable)
        .map((p) => p.text)
        .join('\n');
}

export { DEFAULT_NAMESPACE_POLICY };

/** Probabilities on the wire carry four decimals: more digits only look like precision. */
function roundProbability(p: number): number {
  return Math.round(Math.max(0, Math.min(1, p)) * 1e4) / 1e4;
}
