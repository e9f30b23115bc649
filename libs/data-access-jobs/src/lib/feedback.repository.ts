import type { Pool } from 'pg';

/** A verdict on an answer, as stored. */
export interface FeedbackRecord {
  id: string;
  tenant: string;
  jobId: string | null;
  entryId: string | null;
  wrong: boolean;
  note: string | null;
  eventId: string | null;
  createdAt: Date;
}

export interface NewFeedback {
  tenant: string;
  jobId: string | null;
  entryId: string | null;
  wrong: boolean;
  note: string | null;
  eventId: string | null;
}

/**
 * Verdicts on answers (issue 18's labelled examples). Every read and write is scoped to the
 * tenant: another tenant's job or entry is simply not found.
 */
export class FeedbackRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * The cache entry that holds the answer a job got: the one its result names (a hit), else the
   * one stored from its own answer (a miss). Null when the answer was not cached.
   */
  async entryOfJob(tenant: string, jobId: string, named: string | null): Promise<string | null> {
    const r = await this.pool.query<{ id: string }>(
      `SELECT id FROM cache_entries
        WHERE tenant = $1 AND (id::text = $3 OR request_id = $2)
        ORDER BY (id::text = $3) DESC LIMIT 1`,
      [tenant, jobId, named ?? ''],
    );
    return r.rows[0]?.id ?? null;
  }

  /** Whether the tenant has this entry (live or retired). */
  async hasEntry(tenant: string, entryId: string): Promise<boolean> {
    const r = await this.pool.query(`SELECT 1 FROM cache_entries WHERE tenant = $1 AND id = $2::uuid`, [
      tenant,
      entryId,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async record(f: NewFeedback): Promise<FeedbackRecord> {
    const r = await this.pool.query<FeedbackRecord>(
      `INSERT INTO feedback (tenant, job_id, entry_id, wrong, note, event_id) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, tenant, job_id AS "jobId", entry_id AS "entryId", wrong, note, event_id AS "eventId", created_at AS "createdAt"`,
      [f.tenant, f.jobId, f.entryId, f.wrong, f.note, f.eventId],
    );
    const row = r.rows[0];
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return row;
  }
}
