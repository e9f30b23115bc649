import type { Pool } from 'pg';
import type { CacheOptions, ChatRequest, ResultV1, WireError } from '@deja/contracts';
import { toJsonb } from '@deja/data-access-postgres';

/** The Postgres channel every gateway replica LISTENs on; the payload is a job id. */
export const JOBS_CHANNEL = 'deja_jobs';

export type JobStatus = 'queued' | 'completed' | 'failed';

/** What a job asked for: the neutral request and Deja's cache options. */
export interface StoredJobRequest {
  request: ChatRequest;
  cache: CacheOptions;
  /** The caller streams the answer (kept so a requeued job is published as it was first). */
  stream?: boolean;
}

export interface JobRecord {
  id: string;
  tenant: string;
  clientId: string | null;
  status: JobStatus;
  request: StoredJobRequest;
  result: ResultV1 | null;
  error: WireError | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface NewJob {
  id: string;
  tenant: string;
  clientId: string | null;
  request: StoredJobRequest;
}

/** What a tenant has queued across the deployment: jobs not yet answered, and their requests' bytes. */
export interface QueuedLoad {
  jobs: number;
  bytes: number;
}

/** A job not inserted because its tenant's queue was full: the load read, and the job's own bytes. */
export interface QueueRefusal {
  refused: QueuedLoad;
  bytes: number;
}

/** How much a tenant may have queued across the deployment. */
export interface QueueLimit {
  /** Jobs a tenant may have queued at once. */
  jobs: number;
  /** Bytes of requests (as sent, JSON) a tenant may have queued at once; one job is always admitted. */
  bytes: number;
}

export interface JobStats {
  by_status: Record<JobStatus, number>;
  by_outcome: Record<string, number>;
  saved_usd: number;
  spent_usd: number;
}

const COLUMNS = 'id, tenant, client_id, status, request, result, error, created_at, completed_at';
/** The columns as a {@link JobRecord} names them (in-process records are camelCase; the table and the API keep snake_case). */
const RECORD =
  'id, tenant, client_id AS "clientId", status, request, result, error, created_at AS "createdAt", completed_at AS "completedAt"';

/**
 * Jobs in Postgres. Every state change that a waiter may care about also sends
 * `NOTIFY deja_jobs, '<id>'` in the same statement, so replicas that LISTEN wake up exactly when
 * the change is committed.
 */
export class JobsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Inserts a queued job. With a client id that the tenant already used, nothing is inserted and
   * the existing job is returned (`created: false`). With a `limit`, the tenant's queued load is
   * read in the same statement and the job is inserted only if it fits (one job is always
   * admitted); otherwise nothing is inserted and the load is returned (`refused`). Read, not
   * reserved: inserts racing on other connections can overshoot by what they insert.
   */
  async create(job: NewJob): Promise<{ job: JobRecord; created: boolean }>;
  async create(job: NewJob, limit: QueueLimit): Promise<{ job: JobRecord; created: boolean } | QueueRefusal>;
  async create(job: NewJob, limit?: QueueLimit): Promise<{ job: JobRecord; created: boolean } | QueueRefusal> {
    const request = JSON.stringify(job.request);
    const inserted = await this.pool.query<Partial<JobRecord> & { queued_jobs: string; queued_bytes: string }>(
      `WITH load AS (
         SELECT count(*) AS jobs, coalesce(sum(request_bytes), 0) AS bytes FROM jobs WHERE tenant = $2 AND status = 'queued'),
       ins AS (
         INSERT INTO jobs (id, tenant, client_id, status, request, request_bytes)
         SELECT $1, $2, $3, 'queued', $4, $5::int FROM load
          WHERE $6::bigint IS NULL OR (load.jobs + 1 <= $6::bigint AND (load.jobs = 0 OR load.bytes + $5::int <= $7::bigint))
         ON CONFLICT (tenant, client_id) WHERE client_id IS NOT NULL DO NOTHING
         RETURNING ${RECORD})
       SELECT ins.*, load.jobs AS queued_jobs, load.bytes AS queued_bytes FROM load LEFT JOIN ins ON true`,
      [
        job.id,
        job.tenant,
        job.clientId,
        request,
        Buffer.byteLength(request),
        limit?.jobs ?? null,
        limit?.bytes ?? null,
      ],
    );
    const { queued_jobs, queued_bytes, ...row } = inserted.rows[0] ?? { queued_jobs: '0', queued_bytes: '0' };
    if (row.id) return { job: row as JobRecord, created: true };
    if (job.clientId !== null) {
      const existing = await this.pool.query<JobRecord>(
        `SELECT ${RECORD} FROM jobs WHERE tenant = $1 AND client_id = $2`,
        [job.tenant, job.clientId],
      );
      if (existing.rows[0]) return { job: existing.rows[0], created: false };
    }
    if (limit)
      return { refused: { jobs: Number(queued_jobs), bytes: Number(queued_bytes) }, bytes: Buffer.byteLength(request) };
    throw new Error(`job with client id ${job.clientId} vanished between insert and select`);
  }

  /**
   * Inserts a job that is already answered (an exact hit found before anything was published):
   * the row the jobs API, the console and the stats read, as a result from Kafka would leave it.
   * It never joins the queue, so no queue limit applies; no waiter can be waiting on a new id,
   * so nothing is notified.
   */
  async createCompleted(job: Omit<NewJob, 'clientId'>, result: ResultV1): Promise<JobRecord> {
    const request = JSON.stringify(job.request);
    const r = await this.pool.query<JobRecord>(
      `INSERT INTO jobs (id, tenant, client_id, status, request, request_bytes, result, completed_at)
       VALUES ($1, $2, NULL, $3, $4, $5::int, $6, now())
       RETURNING ${RECORD}`,
      [job.id, job.tenant, result.status, request, Buffer.byteLength(request), toJsonb(result)],
    );
    return r.rows[0];
  }

  /** A tenant's job by its id or by the client id it was submitted with; other tenants' jobs are invisible. */
  async findForTenant(tenant: string, idOrClientId: string): Promise<JobRecord | undefined> {
    const r = await this.pool.query<JobRecord>(
      `SELECT ${RECORD} FROM jobs WHERE tenant = $1 AND (id = $2 OR client_id = $2) ORDER BY (id = $2) DESC LIMIT 1`,
      [tenant, idOrClientId],
    );
    return r.rows[0];
  }

  /**
   * Stores a result. Idempotent: only a queued job (or one that failed on the gateway side before
   * any result arrived) changes; a duplicate result for a finished job changes nothing and
   * returns false. The result's tenant must match the job's.
   */
  async complete(result: ResultV1): Promise<JobRecord | undefined> {
    const r = await this.pool.query<JobRecord>(
      `WITH done AS (
         UPDATE jobs SET status = $3, result = $4, error = NULL, completed_at = now(), updated_at = now()
          WHERE id = $1 AND tenant = $2 AND (status = 'queued' OR (status = 'failed' AND result IS NULL))
         RETURNING ${COLUMNS})
       SELECT ${RECORD}, pg_notify('${JOBS_CHANNEL}', id) FROM done`,
      // A provider's answer may hold text jsonb refuses (half an emoji): stored made well-formed,
      // never refused — a refused write would leave the job unanswered.
      [result.request_id, result.tenant, result.status, toJsonb(result)],
    );
    return r.rows[0];
  }

  /** Marks a queued job failed on the gateway side (e.g. the request could not be published). */
  async markFailed(id: string, error: WireError): Promise<void> {
    await this.pool.query(
      `WITH f AS (
         UPDATE jobs SET status = 'failed', error = $2, completed_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'queued'
         RETURNING id)
       SELECT pg_notify('${JOBS_CHANNEL}', id) FROM f`,
      [id, JSON.stringify(error)],
    );
  }

  /**
   * Fails jobs queued for longer than `olderThanSeconds`, so no job stays queued forever when its
   * result was lost. A result that still arrives later completes the job. Safe on every replica.
   * `tenant` narrows it to one tenant's jobs.
   */
  async expireQueued(olderThanSeconds: number, error: WireError, tenant?: string): Promise<string[]> {
    const r = await this.pool.query<{ id: string }>(
      `WITH x AS (
         UPDATE jobs SET status = 'failed', error = $2, completed_at = now(), updated_at = now()
          WHERE status = 'queued' AND created_at < now() - make_interval(secs => $1) AND ($3::text IS NULL OR tenant = $3)
         RETURNING id)
       SELECT id, pg_notify('${JOBS_CHANNEL}', id) FROM x`,
      [olderThanSeconds, JSON.stringify(error), tenant ?? null],
    );
    return r.rows.map((row) => row.id);
  }

  /** Puts a gateway-side failure back in the queue for a retried submission; false if it was not one. */
  async requeue(id: string): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE jobs SET status = 'queued', error = NULL, completed_at = NULL, updated_at = now()
        WHERE id = $1 AND status = 'failed' AND result IS NULL`,
      [id],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Job counts by status and cache outcome, and money saved, for one tenant or all. */
  async stats(tenant?: string): Promise<JobStats> {
    const r = await this.pool.query<{
      status: JobStatus;
      outcome: string | null;
      n: number;
      saved: number | null;
      spent: number | null;
    }>(
      `SELECT status, result->'cache'->>'outcome' AS outcome, count(*)::int AS n,
              sum((result->'cost'->>'saved_usd')::float8) AS saved, sum((result->'cost'->>'usd')::float8) AS spent
         FROM jobs WHERE ($1::text IS NULL OR tenant = $1)
        GROUP BY 1, 2`,
      [tenant ?? null],
    );
    const stats: JobStats = {
      by_status: { queued: 0, completed: 0, failed: 0 },
      by_outcome: {},
      saved_usd: 0,
      spent_usd: 0,
    };
    for (const row of r.rows) {
      stats.by_status[row.status] += row.n;
      if (row.outcome) stats.by_outcome[row.outcome] = (stats.by_outcome[row.outcome] ?? 0) + row.n;
      stats.saved_usd += row.saved ?? 0;
      stats.spent_usd += row.spent ?? 0;
    }
    return stats;
  }
}
