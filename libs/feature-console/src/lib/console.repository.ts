import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { findNamespace } from '@deja/data-access-cache';
import { PG_POOL } from '@deja/data-access-postgres';
import type { NamespaceOverrides } from '@deja/util-cache-policy';
import { overridesOf } from './namespace-settings';
import type { OverviewWindow } from './overview';

/**
 * The console's reads, straight from the tables the pipeline already keeps (`jobs`,
 * `cache_entries`, `namespaces`, `invalidation_events`): no table of its own, so what the
 * console shows is what the cache did. `tenant` undefined means every tenant (admin key only;
 * the controller decides, see `readScope`).
 */
@Injectable()
export class ConsoleRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async tenants(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM tenants ORDER BY id LIMIT 1000');
    return rows.map((r) => r.id);
  }

  /** Recent jobs, newest first, with the cache decision each ended in. */
  async decisions(f: DecisionFilter): Promise<DecisionRow[]> {
    const { rows } = await this.pool.query<DecisionRow>(
      `SELECT id, tenant, status, request, result, error, created_at, completed_at FROM jobs
        WHERE ($1::text IS NULL OR tenant = $1)
          AND ($2::text IS NULL OR request -> 'cache' ->> 'namespace' = $2)
          AND ($3::text IS NULL OR request -> 'request' ->> 'model' = $3)
          AND ($4::text IS NULL OR ${OUTCOME} = $4)
          AND ($5::timestamptz IS NULL OR created_at < $5)
        ORDER BY created_at DESC, id DESC LIMIT $6`,
      [f.tenant ?? null, f.namespace ?? null, f.model ?? null, f.outcome ?? null, f.before ?? null, f.limit],
    );
    return rows;
  }

  async decision(tenant: string | undefined, id: string): Promise<DecisionRow | undefined> {
    const { rows } = await this.pool.query<DecisionRow>(
      `SELECT id, tenant, status, request, result, error, created_at, completed_at FROM jobs
        WHERE ($1::text IS NULL OR tenant = $1) AND (id = $2 OR client_id = $2)
        ORDER BY created_at DESC LIMIT 1`,
      [tenant ?? null, id],
    );
    return rows[0];
  }

  /** One entry of a tenant, live or retired (the why view shows what a past hit served). */
  async entry(tenant: string, id: string): Promise<EntryRow | undefined> {
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT ${ENTRY} FROM cache_entries WHERE tenant = $1 AND id::text = $2`,
      [tenant, id],
    );
    return rows[0];
  }

  /** Live entries whose question contains `text` (case-insensitive), newest first. */
  async entries(f: EntryFilter): Promise<EntryRow[]> {
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT ${ENTRY} FROM cache_entries
        WHERE ($1::text IS NULL OR tenant = $1) AND retired_at IS NULL
          AND ($2::text IS NULL OR namespace = $2)
          AND ($3::text IS NULL OR query_text ILIKE '%' || $3 || '%' ESCAPE '\\')
        ORDER BY created_at DESC LIMIT $4`,
      [f.tenant ?? null, f.namespace ?? null, f.text === undefined ? null : escapeLike(f.text), f.limit],
    );
    return rows;
  }

  /** Namespaces with stored settings, and those that only hold entries (never configured). */
  async namespaces(tenant: string | undefined): Promise<NamespaceListRow[]> {
    const { rows } = await this.pool.query<NamespaceListRow>(
      `WITH live AS (
         SELECT tenant, namespace, count(*)::int AS live_entries FROM cache_entries
          WHERE ($1::text IS NULL OR tenant = $1) AND retired_at IS NULL GROUP BY tenant, namespace)
       SELECT COALESCE(n.tenant, l.tenant) AS tenant, COALESCE(n.namespace, l.namespace) AS namespace,
              COALESCE(n.version, 1)::int AS version, n.threshold, n.target_false_hit_rate, n.min_threshold,
              n.max_threshold, n.ttl_seconds, n.sliding_ttl, n.updated_at, COALESCE(l.live_entries, 0) AS live_entries
         FROM (SELECT * FROM namespaces WHERE $1::text IS NULL OR tenant = $1) n
         FULL JOIN live l ON l.tenant = n.tenant AND l.namespace = n.namespace
        ORDER BY 1, 2 LIMIT 1000`,
      [tenant ?? null],
    );
    return rows;
  }

  /** One namespace's stored overrides (none set when it was never configured). */
  async namespaceOverrides(tenant: string, namespace: string): Promise<NamespaceOverrides> {
    return overridesOf(await findNamespace(this.pool, tenant, namespace));
  }

  /** Stores a namespace's overrides (creating the namespace at version 1 when new). */
  async saveNamespace(tenant: string, namespace: string, o: NamespaceOverrides): Promise<void> {
    await this.pool.query(
      `INSERT INTO namespaces (tenant, namespace, threshold, target_false_hit_rate, ttl_seconds)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant, namespace) DO UPDATE SET threshold = EXCLUDED.threshold,
         target_false_hit_rate = EXCLUDED.target_false_hit_rate, ttl_seconds = EXCLUDED.ttl_seconds, updated_at = now()`,
      [tenant, namespace, o.threshold, o.targetFalseHitRate, o.ttlSeconds],
    );
  }

  /** The audit stream: applied invalidation commands and document changes, newest first. */
  async invalidations(tenant: string | undefined, limit: number): Promise<InvalidationRow[]> {
    const { rows } = await this.pool.query<InvalidationRow>(
      `SELECT tenant, event_id, cause, payload, entries_retired, new_version::int AS new_version, applied_at, published_at
         FROM invalidation_events WHERE ($1::text IS NULL OR tenant = $1)
        ORDER BY applied_at DESC LIMIT $2`,
      [tenant ?? null, limit],
    );
    return rows;
  }

  /** Completed jobs of the window in buckets: outcomes, savings and latency percentiles. */
  async overview(tenant: string | undefined, namespace: string | undefined, w: OverviewWindow): Promise<OverviewRow[]> {
    const { rows } = await this.pool.query<OverviewRow>(
      `WITH j AS (
         SELECT created_at, ${OUTCOME} AS outcome, result -> 'cache' ->> 'tier' AS tier,
                (result -> 'cache' ->> 'coalesced')::boolean AS coalesced,
                COALESCE((result -> 'cost' ->> 'saved_usd')::float8, 0) AS saved_usd,
                COALESCE((result -> 'saved_usage' ->> 'input_tokens')::float8, 0)
                  + COALESCE((result -> 'saved_usage' ->> 'output_tokens')::float8, 0) AS saved_tokens,
                COALESCE((result -> 'usage' ->> 'cache_read_tokens')::float8, 0) AS prompt_cache_read_tokens,
                extract(epoch FROM completed_at - created_at) * 1000 AS ms
           FROM jobs
          WHERE created_at >= now() - $3::interval AND status = 'completed'
            AND ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR request -> 'cache' ->> 'namespace' = $2))
       SELECT date_bin($4::interval, created_at, TIMESTAMPTZ '2000-01-01') AS bucket,
              count(*)::int AS requests,
              count(*) FILTER (WHERE outcome = 'hit' AND tier = 'exact')::int AS exact_hits,
              count(*) FILTER (WHERE outcome = 'hit' AND tier = 'semantic')::int AS semantic_hits,
              count(*) FILTER (WHERE outcome = 'miss' AND coalesced IS TRUE)::int AS coalesced,
              sum(saved_usd)::float8 AS saved_usd,
              -- A hit or a coalesced miss saved the whole call; any other miss only what the
              -- provider's prompt cache took off its price (docs/prompt-caching.md: saved_usd).
              COALESCE(sum(saved_usd) FILTER (WHERE outcome = 'hit' OR coalesced IS TRUE), 0)::float8 AS saved_usd_cache,
              COALESCE(sum(saved_usd) FILTER (WHERE outcome <> 'hit' AND coalesced IS NOT TRUE), 0)::float8 AS saved_usd_prompt_cache,
              sum(saved_tokens)::float8 AS saved_tokens,
              sum(prompt_cache_read_tokens)::float8 AS prompt_cache_read_tokens,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE outcome = 'hit') AS hit_p50_ms,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FILTER (WHERE outcome = 'hit') AS hit_p99_ms,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE outcome <> 'hit') AS miss_p50_ms,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FILTER (WHERE outcome <> 'hit') AS miss_p99_ms
         FROM j GROUP BY 1 ORDER BY 1`,
      [tenant ?? null, namespace ?? null, w.span, w.bucket],
    );
    return rows;
  }
}

/** A job's outcome as one word: the cache's, or the job's own state when the cache did not decide. */
const OUTCOME = `CASE WHEN status = 'completed' THEN result -> 'cache' ->> 'outcome' ELSE status END`;

const ENTRY = `id::text AS id, tenant, namespace, query_text, model, hit_count::int AS hit_count, created_at, last_hit_at,
  ttl_seconds, expires_at, retired_at, doc_ids, doc_versions, namespace_version::int AS namespace_version, user_id IS NOT NULL AS personal`;

/** `text` as a literal inside an ILIKE pattern (`\` is the ESCAPE character). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface DecisionFilter {
  tenant?: string;
  namespace?: string;
  model?: string;
  outcome?: string;
  before?: string;
  limit: number;
}

export interface DecisionRow {
  id: string;
  tenant: string;
  status: string;
  request: {
    request?: { provider?: string; model?: string; messages?: unknown; system?: unknown; tools?: unknown[] };
    cache?: Record<string, unknown>;
  };
  result: {
    cache?: Record<string, unknown>;
    cost?: { usd?: number; saved_usd?: number };
    answer?: { content?: string } | null;
  } | null;
  error: { code?: string; message?: string } | null;
  created_at: Date;
  completed_at: Date | null;
}

export interface EntryFilter {
  tenant?: string;
  namespace?: string;
  text?: string;
  limit: number;
}

export interface EntryRow {
  id: string;
  tenant: string;
  namespace: string;
  query_text: string;
  model: string;
  hit_count: number;
  created_at: Date;
  last_hit_at: Date | null;
  ttl_seconds: number;
  expires_at: Date;
  retired_at: Date | null;
  doc_ids: string[];
  doc_versions: Record<string, number>;
  namespace_version: number;
  personal: boolean;
}

export interface NamespaceListRow {
  tenant: string;
  namespace: string;
  version: number;
  threshold: number | null;
  target_false_hit_rate: number | null;
  min_threshold: number | null;
  max_threshold: number | null;
  ttl_seconds: number | null;
  sliding_ttl: boolean | null;
  updated_at: Date | null;
  live_entries: number;
}

export interface InvalidationRow {
  tenant: string;
  event_id: string;
  cause: string;
  payload: Record<string, unknown>;
  entries_retired: number;
  new_version: number | null;
  applied_at: Date;
  published_at: Date | null;
}

export interface OverviewRow {
  bucket: Date;
  requests: number;
  exact_hits: number;
  semantic_hits: number;
  coalesced: number;
  saved_usd: number | null;
  saved_usd_cache: number;
  saved_usd_prompt_cache: number;
  saved_tokens: number | null;
  prompt_cache_read_tokens: number | null;
  hit_p50_ms: number | null;
  hit_p99_ms: number | null;
  miss_p50_ms: number | null;
  miss_p99_ms: number | null;
}
