import type { Pool, PoolClient } from 'pg';
import { sqlTextDigest, withTransaction } from '@deja/data-access-postgres';

/** Rows deleted by one erasure, by table. */
export interface ErasedCounts {
  cache_entries: number;
  jobs: number;
  /** Verdicts on answers (POST /v1/feedback); a user's: those on their jobs. */
  feedback: number;
  request_log: number;
  invalidation_events: number;
  documents: number;
  namespaces: number;
  api_keys: number;
  tenants: number;
}

export interface ErasureReport {
  erasure_id: string;
  tenant: string;
  /** Whether one user's data was erased (the user id itself is not echoed or stored). */
  scope: 'tenant' | 'user';
  requested_at: string;
  deleted: ErasedCounts;
}

/**
 * The Postgres channel an erased tenant's id is sent on (with the erasure's commit), so every
 * gateway replica forgets the keys it remembers of that tenant at once instead of serving it for
 * the rest of their cache lifetime. Heard on the replicas' job-notification connection.
 */
export const TENANTS_CHANNEL = 'deja_tenants';

const NONE: ErasedCounts = {
  cache_entries: 0,
  jobs: 0,
  feedback: 0,
  request_log: 0,
  invalidation_events: 0,
  documents: 0,
  namespaces: 0,
  api_keys: 0,
  tenants: 0,
};

/**
 * Erasure of everything Deja keeps about a tenant or about one user of a tenant: cache entries
 * (live and retired), jobs with their prompts and answers, feedback, request ids, invalidation records,
 * and for a tenant its documents, namespaces and (unless kept) its account and API keys.
 *
 * It spans the gateway's and the cache's tables on purpose: the deletes run in one transaction,
 * so they happen all or not at all. The `erasures` row committed before them fences off requests
 * still in flight (see `CacheRepository.insert`): an answer to a request submitted before the
 * erasure is not stored. An erasure whose deletes failed keeps `completed_at` NULL and is simply
 * requested again.
 */
export class ErasureRepository {
  constructor(private readonly pool: Pool) {}

  async eraseTenant(tenant: string, options: { keepAccount: boolean }): Promise<ErasureReport> {
    const fence = await this.fence(tenant, null);
    return withTransaction(this.pool, async (db) => {
      const deleted: ErasedCounts = { ...NONE };
      deleted.cache_entries = await count(db, `DELETE FROM cache_entries WHERE tenant = $1`, [tenant]);
      deleted.request_log = await count(db, `DELETE FROM request_log WHERE tenant = $1`, [tenant]);
      deleted.feedback = await count(db, `DELETE FROM feedback WHERE tenant = $1`, [tenant]);
      deleted.jobs = await count(db, `DELETE FROM jobs WHERE tenant = $1`, [tenant]);
      // The console's hourly roll-up of those jobs (counts only, but named by tenant and namespace).
      await db.query(`DELETE FROM console_hourly WHERE tenant = $1`, [tenant]);
      await db.query(`DELETE FROM console_latency_hourly WHERE tenant = $1`, [tenant]);
      deleted.invalidation_events = await count(db, `DELETE FROM invalidation_events WHERE tenant = $1`, [tenant]);
      deleted.documents = await count(db, `DELETE FROM documents WHERE tenant = $1`, [tenant]);
      deleted.namespaces = await count(db, `DELETE FROM namespaces WHERE tenant = $1`, [tenant]);
      if (!options.keepAccount) {
        deleted.api_keys = await count(db, `DELETE FROM tenant_api_keys WHERE tenant = $1`, [tenant]);
        deleted.tenants = await count(db, `DELETE FROM tenants WHERE id = $1`, [tenant]);
      }
      // Delivered when this transaction commits (never for a rolled-back erasure).
      await db.query(`SELECT pg_notify('${TENANTS_CHANNEL}', $1)`, [tenant]);
      return this.record(db, fence, tenant, 'tenant', deleted);
    });
  }

  /**
   * Everything of one user: entries scoped to them (personal) or asked by them (shared entries
   * built from their question), their jobs and request ids, and purge commands naming them.
   */
  async eraseUser(tenant: string, user: string): Promise<ErasureReport> {
    const fence = await this.fence(tenant, user);
    return withTransaction(this.pool, async (db) => {
      const deleted: ErasedCounts = { ...NONE };
      const userJobs = `SELECT id FROM jobs WHERE tenant = $1 AND request -> 'cache' ->> 'user' = $2`;
      const erased = await db.query<{ id: string }>(
        `DELETE FROM cache_entries WHERE tenant = $1 AND (user_id = $2 OR requested_by = $2 OR request_id IN (${userJobs}))
         RETURNING id::text`,
        [tenant, user],
      );
      deleted.cache_entries = erased.rows.length;
      await forgetCandidates(
        db,
        tenant,
        erased.rows.map((r) => r.id),
      );
      deleted.request_log = await count(
        db,
        `DELETE FROM request_log WHERE tenant = $1 AND request_id IN (${userJobs})`,
        [tenant, user],
      );
      deleted.feedback = await count(db, `DELETE FROM feedback WHERE tenant = $1 AND job_id IN (${userJobs})`, [
        tenant,
        user,
      ]);
      deleted.jobs = await count(db, `DELETE FROM jobs WHERE tenant = $1 AND request -> 'cache' ->> 'user' = $2`, [
        tenant,
        user,
      ]);
      deleted.invalidation_events = await count(
        db,
        `DELETE FROM invalidation_events WHERE tenant = $1 AND payload ->> 'user' = $2`,
        [tenant, user],
      );
      return this.record(db, fence, tenant, 'user', deleted);
    });
  }

  /**
   * Commits the erasure's record before anything is deleted. A store racing the erasure either
   * commits before the deletes run (and is deleted) or checks the fence after its own commit
   * (and deletes itself); were the fence committed with the deletes, a store committing between
   * them would survive.
   */
  private async fence(tenant: string, user: string | null): Promise<{ id: string; requested_at: Date }> {
    const { rows } = await this.pool.query<{ id: string; requested_at: Date }>(
      `INSERT INTO erasures (tenant, user_digest)
       VALUES ($1, ${sqlTextDigest('$2::text')})
       RETURNING id::text, requested_at`,
      [tenant, user],
    );
    return rows[0];
  }

  private async record(
    db: PoolClient,
    fence: { id: string; requested_at: Date },
    tenant: string,
    scope: 'tenant' | 'user',
    deleted: ErasedCounts,
  ): Promise<ErasureReport> {
    await db.query(`UPDATE erasures SET deleted = $2, completed_at = now() WHERE id = $1`, [
      fence.id,
      JSON.stringify(deleted),
    ]);
    return { erasure_id: fence.id, tenant, scope, requested_at: new Date(fence.requested_at).toISOString(), deleted };
  }
}

/**
 * Other requests' results quote the stored question of each near candidate (`cache.candidates`,
 * shown by the console): the erased entries' questions are taken out of them too.
 */
async function forgetCandidates(db: PoolClient, tenant: string, entryIds: string[]): Promise<void> {
  if (entryIds.length === 0) return;
  await db.query(
    `UPDATE jobs SET result = jsonb_set(result, '{cache,candidates}', COALESCE(
        (SELECT jsonb_agg(c) FROM jsonb_array_elements(result -> 'cache' -> 'candidates') c
          WHERE NOT (c ->> 'entry_id' = ANY ($2::text[]))), '[]'::jsonb))
      WHERE tenant = $1 AND jsonb_typeof(result -> 'cache' -> 'candidates') = 'array'
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(result -> 'cache' -> 'candidates') c
                     WHERE c ->> 'entry_id' = ANY ($2::text[]))`,
    [tenant, entryIds],
  );
}

async function count(db: PoolClient, sql: string, params: unknown[]): Promise<number> {
  return (await db.query(sql, params)).rowCount ?? 0;
}
