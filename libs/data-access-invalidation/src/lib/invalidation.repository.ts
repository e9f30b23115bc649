import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@deja/data-access-postgres';
import type { EntrySelector } from './selectors';
import type { DocumentState } from './versions';

/** One applied event or command, as recorded in `invalidation_events`. */
export interface AppliedEvent {
  tenant: string;
  eventId: string;
  cause: string;
  entriesRetired: number;
  newVersion: number | null;
  appliedAt: Date;
  publishedAt: Date | null;
}

export interface CacheStats {
  live: number;
  retired: number;
  /** Not retired, past their expiry: no lookup serves them; the sweep deletes them. */
  expired: number;
  namespaces: Array<{ tenant: string; namespace: string; version: number }>;
  documents: { count: number; deleted: number; maxVersion: number };
  events: { applied: number; unpublished: number };
}

/**
 * The statements of one invalidation, run inside one transaction: the claim of the event id, the
 * version change and the retirement commit together or not at all.
 */
export class InvalidationTx {
  constructor(
    private readonly client: PoolClient,
    private readonly retireBatch: number,
  ) {}

  /**
   * Records the event as applied. False when this tenant's event id was recorded before (a
   * replay): the caller must then change nothing. A concurrent delivery of the same id waits on
   * the primary key until the first commits, then sees the conflict.
   */
  async claim(tenant: string, eventId: string, cause: string, payload: unknown): Promise<boolean> {
    const { rowCount } = await this.client.query(
      `INSERT INTO invalidation_events (tenant, event_id, cause, payload, entries_retired) VALUES ($1, $2, $3, $4, 0)
       ON CONFLICT (tenant, event_id) DO NOTHING`,
      [tenant, eventId, cause, JSON.stringify(payload)],
    );
    return rowCount === 1;
  }

  /**
   * The event's record, row-locked until commit: whoever holds it decides alone whether the
   * audit record still has to go out (see `markPublished`).
   */
  async lockEvent(tenant: string, eventId: string): Promise<AppliedEvent | null> {
    const { rows } = await this.client.query(
      `SELECT * FROM invalidation_events WHERE tenant = $1 AND event_id = $2 FOR UPDATE`,
      [tenant, eventId],
    );
    return rows[0] ? toApplied(rows[0]) : null;
  }

  async markPublished(tenant: string, eventId: string): Promise<void> {
    await this.client.query(`UPDATE invalidation_events SET published_at = now() WHERE tenant = $1 AND event_id = $2`, [
      tenant,
      eventId,
    ]);
  }

  /** Writes the effect into the claimed record. */
  async recordEffect(
    tenant: string,
    eventId: string,
    entriesRetired: number,
    newVersion: number | null,
  ): Promise<void> {
    await this.client.query(
      `UPDATE invalidation_events SET entries_retired = $3, new_version = $4 WHERE tenant = $1 AND event_id = $2`,
      [tenant, eventId, entriesRetired, newVersion],
    );
  }

  /**
   * The document's state, row-locked until commit so concurrent changes of one document apply one
   * after the other. A document never seen gets a row at version 0 (what "absent" means anyway).
   */
  async lockDocument(tenant: string, docId: string): Promise<DocumentState> {
    await this.client.query(
      `INSERT INTO documents (tenant, doc_id, version) VALUES ($1, $2, 0) ON CONFLICT (tenant, doc_id) DO NOTHING`,
      [tenant, docId],
    );
    const { rows } = await this.client.query<{ version: number; deleted: boolean }>(
      `SELECT version, deleted FROM documents WHERE tenant = $1 AND doc_id = $2 FOR UPDATE`,
      [tenant, docId],
    );
    const r = rows[0];
    if (!r) throw new Error(`document ${tenant}/${docId} vanished inside its transaction`);
    return { version: Number(r.version), deleted: r.deleted };
  }

  async saveDocument(tenant: string, docId: string, state: DocumentState): Promise<void> {
    await this.client.query(
      `UPDATE documents SET version = $3, deleted = $4, updated_at = now() WHERE tenant = $1 AND doc_id = $2`,
      [tenant, docId, state.version, state.deleted],
    );
  }

  /** Increments a namespace's version (a namespace never bumped is at 1) and returns the new one. */
  async bumpNamespace(tenant: string, namespace: string): Promise<number> {
    const { rows } = await this.client.query<{ version: number }>(
      `INSERT INTO namespaces (tenant, namespace, version) VALUES ($1, $2, 2)
       ON CONFLICT (tenant, namespace) DO UPDATE SET version = namespaces.version + 1, updated_at = now()
       RETURNING version`,
      [tenant, namespace],
    );
    return Number(rows[0]?.version);
  }

  /**
   * Retires the live entries the selector names; returns how many. Statements of at most
   * `retireBatch` rows, so a tenant-wide purge never meets the statement timeout; all of them in
   * this one transaction.
   */
  async retire(selector: EntrySelector): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.client.query(
        `UPDATE cache_entries SET retired_at = now() WHERE id IN (
           SELECT id FROM cache_entries WHERE retired_at IS NULL AND (${selector.where}) LIMIT ${this.retireBatch} FOR UPDATE)`,
        selector.params,
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < this.retireBatch) return total;
    }
  }
}

/** Postgres access for versions, purges, the applied-event log and background deletion. */
export class InvalidationRepository {
  private readonly retireBatch: number;

  constructor(
    private readonly pool: Pool,
    options: { retireBatch?: number } = {},
  ) {
    const batch = options.retireBatch ?? 10_000;
    if (!Number.isSafeInteger(batch) || batch < 1)
      throw new RangeError(`retireBatch must be a positive integer (got ${batch})`);
    this.retireBatch = batch;
  }

  /** Runs `fn` in one transaction; rolls back when it throws. */
  async transaction<T>(fn: (tx: InvalidationTx) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, (client) => fn(new InvalidationTx(client, this.retireBatch)));
  }

  async findEvent(tenant: string, eventId: string): Promise<AppliedEvent | null> {
    const { rows } = await this.pool.query(`SELECT * FROM invalidation_events WHERE tenant = $1 AND event_id = $2`, [
      tenant,
      eventId,
    ]);
    return rows[0] ? toApplied(rows[0]) : null;
  }

  /** Every tenant's record of an event id (ids are per tenant; server-made ids are UUIDs). */
  async findEventsById(eventId: string, tenant?: string): Promise<AppliedEvent[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM invalidation_events WHERE event_id = $1 AND ($2::text IS NULL OR tenant = $2) ORDER BY applied_at`,
      [eventId, tenant ?? null],
    );
    return rows.map(toApplied);
  }

  /**
   * Deletes at most `limit` entries retired more than `graceSeconds` ago. Rows another replica is
   * deleting are skipped, so sweepers never wait on each other.
   */
  async deleteRetired(limit: number, graceSeconds: number): Promise<number> {
    return this.deleteBatch(
      `retired_at IS NOT NULL AND retired_at < now() - make_interval(secs => $2::double precision)`,
      limit,
      graceSeconds,
    );
  }

  /** Deletes at most `limit` entries that expired more than `graceSeconds` ago. */
  async deleteExpired(limit: number, graceSeconds: number): Promise<number> {
    return this.deleteBatch(`expires_at < now() - make_interval(secs => $2::double precision)`, limit, graceSeconds);
  }

  /**
   * Retires at most `limit` live entries stored in the last `windowSeconds` that are already
   * stale: built at a namespace version below the current one, or from a document that has
   * changed or been deleted since. They appear when a completion is stored after the change that
   * made it stale (the lookup refuses them; this hands them to deletion). The same condition
   * as the lookup's, inverted.
   */
  async retireStale(limit: number, windowSeconds: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE cache_entries SET retired_at = now() WHERE id IN (
         SELECT e.id FROM cache_entries e
         WHERE e.retired_at IS NULL AND e.created_at > now() - make_interval(secs => $2::double precision)
           AND (
             e.namespace_version < COALESCE((SELECT n.version FROM namespaces n WHERE n.tenant = e.tenant AND n.namespace = e.namespace), 1)
             OR EXISTS (
               SELECT 1 FROM documents d
               WHERE d.tenant = e.tenant AND d.doc_id = ANY (e.doc_ids)
                 AND (d.deleted OR d.version > COALESCE((e.doc_versions ->> d.doc_id)::bigint, 0))))
         LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [limit, windowSeconds],
    );
    return rowCount ?? 0;
  }

  /** Forgets applied events older than `days` (and already published): the idempotency window. */
  async pruneEvents(days: number, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM invalidation_events WHERE (tenant, event_id) IN (
         SELECT tenant, event_id FROM invalidation_events
         WHERE applied_at < now() - make_interval(days => $1::int) AND published_at IS NOT NULL
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [days, limit],
    );
    return rowCount ?? 0;
  }

  /** Counts for operators: entries by state, versions, applied events. */
  async stats(tenant?: string): Promise<CacheStats> {
    const t = tenant ?? null;
    const [entries, namespaces, documents, events] = await Promise.all([
      this.pool.query<{ live: number; retired: number; expired: number }>(
        `SELECT count(*) FILTER (WHERE retired_at IS NULL AND expires_at > now())::bigint AS live,
                count(*) FILTER (WHERE retired_at IS NOT NULL)::bigint AS retired,
                count(*) FILTER (WHERE retired_at IS NULL AND expires_at <= now())::bigint AS expired
         FROM cache_entries WHERE $1::text IS NULL OR tenant = $1`,
        [t],
      ),
      this.pool.query<{ tenant: string; namespace: string; version: number }>(
        `SELECT tenant, namespace, version FROM namespaces WHERE $1::text IS NULL OR tenant = $1 ORDER BY tenant, namespace LIMIT 1000`,
        [t],
      ),
      this.pool.query<{ count: number; deleted: number; max_version: number | null }>(
        `SELECT count(*)::bigint AS count, count(*) FILTER (WHERE deleted)::bigint AS deleted, max(version) AS max_version
         FROM documents WHERE $1::text IS NULL OR tenant = $1`,
        [t],
      ),
      this.pool.query<{ applied: number; unpublished: number }>(
        `SELECT count(*)::bigint AS applied, count(*) FILTER (WHERE published_at IS NULL)::bigint AS unpublished
         FROM invalidation_events WHERE $1::text IS NULL OR tenant = $1`,
        [t],
      ),
    ]);
    const e = entries.rows[0];
    const d = documents.rows[0];
    const ev = events.rows[0];
    return {
      live: Number(e?.live ?? 0),
      retired: Number(e?.retired ?? 0),
      expired: Number(e?.expired ?? 0),
      namespaces: namespaces.rows.map((r) => ({
        tenant: r.tenant,
        namespace: r.namespace,
        version: Number(r.version),
      })),
      documents: {
        count: Number(d?.count ?? 0),
        deleted: Number(d?.deleted ?? 0),
        maxVersion: Number(d?.max_version ?? 0),
      },
      events: { applied: Number(ev?.applied ?? 0), unpublished: Number(ev?.unpublished ?? 0) },
    };
  }

  private async deleteBatch(condition: string, limit: number, graceSeconds: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM cache_entries WHERE id IN (
         SELECT id FROM cache_entries WHERE ${condition} LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [limit, graceSeconds],
    );
    return rowCount ?? 0;
  }
}

function toApplied(r: Record<string, unknown>): AppliedEvent {
  return {
    tenant: r.tenant as string,
    eventId: r.event_id as string,
    cause: r.cause as string,
    entriesRetired: Number(r.entries_retired),
    newVersion: r.new_version === null ? null : Number(r.new_version),
    appliedAt: r.applied_at as Date,
    publishedAt: (r.published_at as Date | null) ?? null,
  };
}
