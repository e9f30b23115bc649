import type { Pool } from 'pg';
import type { AppendRecord, BusStore, StoredMessage } from './bus-store';

/**
 * The bus's tables. They belong to the bus, not to Deja's schema (a Kafka deployment has no use
 * for them), so the store creates them itself, idempotently, on start.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS bus_messages (
  id         bigserial   PRIMARY KEY,
  topic      text        NOT NULL,
  partition  integer     NOT NULL,
  key        text,
  value      bytea,
  headers    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS bus_messages_topic_partition ON bus_messages (topic, partition, id);
CREATE TABLE IF NOT EXISTS bus_offsets (
  group_id   text        NOT NULL,
  topic      text        NOT NULL,
  partition  integer     NOT NULL,
  committed  bigint      NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);`;

interface MessageRow {
  id: string | number;
  topic: string;
  partition: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  created_at: Date;
}

/**
 * Bus storage in Postgres (PGlite in embedded mode): a message is accepted once its INSERT has
 * committed, and survives a crash from then on. Offsets are the rows' ids; appends are serialised
 * in this process so ids become visible in the order they were assigned (a consumer never skips
 * a row that commits late).
 */
export class PgBusStore implements BusStore {
  private appendChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly pool: Pick<Pool, 'query'>) {}

  async init(): Promise<void> {
    await this.pool.query(SCHEMA);
  }

  append(topic: string, records: readonly AppendRecord[]): Promise<StoredMessage[]> {
    const run = this.appendChain.then(() => this.insert(topic, records));
    this.appendChain = run.catch(() => undefined);
    return run;
  }

  private async insert(topic: string, records: readonly AppendRecord[]): Promise<StoredMessage[]> {
    if (records.length === 0) return [];
    const values: unknown[] = [];
    const rows = records.map((r) => {
      values.push(topic, r.partition, r.key, r.value, JSON.stringify(r.headers));
      const n = values.length;
      return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n}::jsonb)`;
    });
    // One statement: the batch is accepted whole or not at all.
    const result = await this.pool.query<MessageRow>(
      `INSERT INTO bus_messages (topic, partition, key, value, headers) VALUES ${rows.join(', ')}
       RETURNING id, topic, partition, key, value, headers, created_at`,
      values,
    );
    return result.rows.sort((a, b) => Number(a.id) - Number(b.id)).map(toMessage);
  }

  async committed(groupId: string, topic: string, partition: number): Promise<string | null> {
    const r = await this.pool.query<{ committed: string | number }>(
      'SELECT committed FROM bus_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3',
      [groupId, topic, partition],
    );
    return r.rows[0] ? String(r.rows[0].committed) : null;
  }

  async fetch(topic: string, partition: number, after: string | null, limit: number): Promise<StoredMessage[]> {
    const r = await this.pool.query<MessageRow>(
      `SELECT id, topic, partition, key, value, headers, created_at FROM bus_messages
       WHERE topic = $1 AND partition = $2 AND id > $3 ORDER BY id LIMIT $4`,
      [topic, partition, after ?? '0', limit],
    );
    return r.rows.map(toMessage);
  }

  async commit(groupId: string, topic: string, partition: number, offset: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO bus_offsets (group_id, topic, partition, committed) VALUES ($1, $2, $3, $4)
       ON CONFLICT (group_id, topic, partition) DO UPDATE SET committed = GREATEST(bus_offsets.committed, EXCLUDED.committed), updated_at = now()`,
      [groupId, topic, partition, offset],
    );
  }

  async prune(olderThanMs: number): Promise<number> {
    const r = await this.pool.query(
      `DELETE FROM bus_messages m
       WHERE m.created_at < now() - make_interval(secs => $1::double precision / 1000)
         AND m.id <= (SELECT min(o.committed) FROM bus_offsets o WHERE o.topic = m.topic AND o.partition = m.partition)`,
      [olderThanMs],
    );
    return r.rowCount ?? 0;
  }

  async progress(
    groupId: string,
    topic: string,
  ): Promise<Array<{ partition: number; kept: number; committed: number }>> {
    const r = await this.pool.query<{ partition: number; kept: string | number; committed: string | number }>(
      `SELECT m.partition, count(*) AS kept, count(*) FILTER (WHERE m.id <= o.committed) AS committed
       FROM bus_messages m LEFT JOIN bus_offsets o ON o.group_id = $1 AND o.topic = m.topic AND o.partition = m.partition
       WHERE m.topic = $2 GROUP BY m.partition ORDER BY m.partition`,
      [groupId, topic],
    );
    return r.rows.map((row) => ({
      partition: row.partition,
      kept: Number(row.kept),
      committed: Number(row.committed),
    }));
  }
}

function toMessage(row: MessageRow): StoredMessage {
  return {
    topic: row.topic,
    partition: row.partition,
    offset: String(row.id),
    key: row.key,
    value: row.value,
    headers: row.headers ?? {},
    timestamp: String(row.created_at.getTime()),
  };
}
