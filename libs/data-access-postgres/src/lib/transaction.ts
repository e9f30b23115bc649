import type { Pool, PoolClient } from 'pg';

/** Runs `work` in one transaction on a pooled client: commits when it resolves, rolls back and rethrows when it throws. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** SQL for the hex SHA-256 digest of a text expression (how user ids are kept where they must not be readable). */
export function sqlTextDigest(expr: string): string {
  return `encode(sha256(convert_to(${expr}, 'UTF8')), 'hex')`;
}
