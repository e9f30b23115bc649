import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { findNamespace } from '@deja/data-access-cache';
import { PG_POOL } from '@deja/data-access-postgres';
import type { NamespaceOverrides } from '@deja/util-cache-policy';
import { overridesOf } from './namespace-settings';

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
