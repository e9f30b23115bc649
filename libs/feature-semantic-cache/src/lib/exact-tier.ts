import type { LookupContext, NearCandidate, RequestV1, ResultV1 } from '@deja/contracts';
import type { CacheEntry, CacheRepository, LookupStart } from '@deja/data-access-cache';
import {
  CachePolicyException,
  decide,
  type DecideInput,
  type DecisionModel,
  deriveCacheKeys,
  effectiveRule,
  effectiveTtlSeconds,
  expiryAfterHit,
  namespacePolicy,
  type CacheKeys,
  type NamespacePolicy,
  toCacheDecision,
} from '@deja/util-cache-policy';
import type { CacheMetrics } from './cache-metrics';
import { hitResult } from './results';

/** How one request is decided: the input to `decide`, and what its lookup context reports. */
export interface RequestRule {
  input: Pick<DecideInput, 'threshold' | 'learned'>;
  reported: Pick<LookupContext, 'threshold' | 'target_false_hit_rate' | 'decision_model'>;
}

/** A lookup whose policy and keys are known: what the tiers work from. */
export interface Prepared {
  kind: 'ready';
  policy: NamespacePolicy;
  rule: RequestRule;
  keys: Extract<CacheKeys, { cacheable: true }>;
  /** The lookup context's fields known before any tier ran. */
  context: Pick<
    LookupContext,
    | 'scope_hash'
    | 'query_hash'
    | 'normalized_query'
    | 'namespace_version'
    | 'doc_versions'
    | 'cacheable'
    | 'threshold'
    | 'target_false_hit_rate'
    | 'decision_model'
  >;
}

/** Why a request has no tiers to run: its policy refuses it, or it may not be cached. */
export type Unprepared =
  { kind: 'refused'; error: CachePolicyException } | { kind: 'not_cacheable'; reason: string; rule: RequestRule };

type Versions = Pick<LookupStart, 'namespace' | 'docVersions'>;

export interface ExactTierOptions {
  /** Namespace defaults before per-namespace overrides. */
  defaults: NamespacePolicy;
  /** The learned stage's weights, or null: every namespace is decided by its raw threshold. */
  decisionModel: DecisionModel | null;
  now?: () => Date;
}

/** How many (tenant, namespace, documents) version sets {@link ExactTier.answer} remembers. */
const REMEMBERED_VERSIONS = 10_000;

/**
 * The exact tier: the same question asked before in the same scope, served with no embedding.
 * The semantic cache runs it first on every lookup; the gateway runs {@link answer} before it
 * publishes a compatible-API request, so an exact hit never crosses Kafka (docs/architecture.md).
 * Both serve the same decision, count the same hit and build the same result.
 */
export class ExactTier {
  private readonly now: () => Date;
  /** The versions each scope was last read at: only a guess of the keys, checked in the lookup itself. */
  private readonly lastVersions = new Map<string, Versions>();

  constructor(
    private readonly repo: CacheRepository,
    private readonly metrics: CacheMetrics,
    private readonly options: ExactTierOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  get decisionModel(): DecisionModel | null {
    return this.options.decisionModel;
  }

  /**
   * An exact hit for a request nobody has looked up yet, or null — a miss, a request that may not
   * be served from the cache, or any failure: the pipeline then decides it as before. No claim is
   * made: the request id is claimed by the lookup that handles a published request. One round
   * trip when the scope's versions have not changed since the last request of the same scope.
   */
  async answer(request: RequestV1): Promise<ResultV1 | null> {
    if (!request.cache.lookup) return null;
    const { tenant, cache } = request;
    const docIds = cache.context_docs.map((d) => d.id);
    const scope = [tenant, cache.namespace, ...docIds].join('\u0000');
    const guess = this.lastVersions.get(scope);
    const guessed = guess ? this.prepare(request, guess) : null;
    const read = await this.metrics.time('exact_lookup', () =>
      this.repo.exactLookup(tenant, cache.namespace, docIds, guessed?.kind === 'ready' ? guessed.keys : null),
    );
    this.remember(scope, read);
    const prepared = guess && sameVersions(guess, read) ? guessed : this.prepare(request, read);
    if (prepared?.kind !== 'ready') return null;
    const entry =
      prepared === guessed
        ? read.entry
        : await this.metrics.time('exact_lookup', () =>
            this.repo.findExact(tenant, prepared.keys.scopeHash, prepared.keys.queryHash),
          );
    if (!entry) return null;
    return this.serve(request, entry, this.decideExact(prepared, entry), prepared.policy);
  }

  /** The exact tier of a lookup that has claimed its request and read the versions. */
  async find(request: RequestV1, prepared: Prepared): Promise<ResultV1 | null> {
    const { keys, policy } = prepared;
    const entry = await this.metrics.time('exact_lookup', () =>
      this.repo.findExact(request.tenant, keys.scopeHash, keys.queryHash),
    );
    return entry ? this.serve(request, entry, this.decideExact(prepared, entry), policy) : null;
  }

  /**
   * Everything the tiers need that does not depend on the question's vector: the namespace's
   * policy and the request's rule, the versions given, and the cache keys. Pure: the caller
   * counts and reports a request it cannot prepare.
   */
  prepare(request: RequestV1, { namespace: ns, docVersions }: Versions): Prepared | Unprepared {
    let policy: NamespacePolicy;
    let rule: RequestRule;
    try {
      policy = namespacePolicy(ns, this.options.defaults);
      rule = this.ruleFor(policy, request.cache);
      effectiveTtlSeconds(policy, request.cache.ttl_seconds);
    } catch (error) {
      if (!(error instanceof CachePolicyException)) throw error;
      return { kind: 'refused', error };
    }
    const keys = deriveCacheKeys(request, { namespaceVersion: ns.version, docVersions });
    if (!keys.cacheable) return { kind: 'not_cacheable', reason: keys.reason, rule };
    const context = {
      scope_hash: keys.scopeHash,
      query_hash: keys.queryHash,
      normalized_query: keys.normalizedQuery,
      namespace_version: keys.namespaceVersion,
      doc_versions: keys.docVersions,
      cacheable: true,
      ...rule.reported,
    };
    return { kind: 'ready', policy, rule, keys, context };
  }

  /**
   * Serves an entry: counts the hit (its sliding expiry moved, without delaying the answer) and
   * builds the result the caller receives — with, for a semantic hit, the nearest candidates.
   */
  serve(
    request: RequestV1,
    entry: CacheEntry,
    decision: ReturnType<typeof decide>,
    policy: NamespacePolicy,
    near: NearCandidate[] = [],
  ): ResultV1 {
    this.metrics.lookups.inc({ outcome: 'hit', tier: decision.tier ?? 'none' });
    if (decision.similarity !== null) this.metrics.similarity.observe({ outcome: 'hit' }, decision.similarity);
    const next = expiryAfterHit(policy, { expiresAt: entry.expiresAt, ttlSeconds: entry.ttlSeconds }, this.now());
    // Counting the hit is bookkeeping: it must not delay or fail the answer.
    void this.repo
      .recordHit(entry.id, next.getTime() === entry.expiresAt.getTime() ? null : next)
      .catch(() => undefined);
    const cache = { ...toCacheDecision(decision), ...(near.length > 0 ? { candidates: near } : {}) };
    return hitResult(request, entry, cache, this.now());
  }

  private decideExact({ rule, keys }: Prepared, entry: CacheEntry): ReturnType<typeof decide> {
    return decide({ ...rule.input, queryText: keys.queryText, exact: { entryId: entry.id }, candidates: [] });
  }

  /**
   * The rule this request is decided by. The learned rule needs weights trained on the
   * embedding model in use; without them a namespace on the learned rule is decided by its raw
   * threshold (the start-up log says so).
   */
  private ruleFor(policy: NamespacePolicy, cache: RequestV1['cache']): RequestRule {
    const rule = effectiveRule(policy, cache);
    const model = this.options.decisionModel;
    if (rule.kind === 'learned' && model) {
      const learned = { model, targetFalseHitRate: rule.targetFalseHitRate };
      return {
        input: { threshold: model.retrievalFloor, learned },
        reported: { threshold: null, target_false_hit_rate: rule.targetFalseHitRate, decision_model: model.name },
      };
    }
    const threshold = rule.kind === 'threshold' ? rule.threshold : policy.threshold;
    return { input: { threshold, learned: null }, reported: { threshold } };
  }

  private remember(scope: string, versions: Versions): void {
    if (this.lastVersions.size >= REMEMBERED_VERSIONS) this.lastVersions.clear();
    this.lastVersions.set(scope, { namespace: versions.namespace, docVersions: versions.docVersions });
  }
}

/** Whether two reads saw the same namespace (version and policy) and document versions. */
function sameVersions(a: Versions, b: Versions): boolean {
  return (
    JSON.stringify(a.namespace) === JSON.stringify(b.namespace) &&
    JSON.stringify(sortedEntries(a.docVersions)) === JSON.stringify(sortedEntries(b.docVersions))
  );
}

function sortedEntries(o: Record<string, number>): Array<[string, number]> {
  return Object.entries(o).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
}
