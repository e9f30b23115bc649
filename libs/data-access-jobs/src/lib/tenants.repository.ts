import type { Pool } from 'pg';
import { withTransaction } from '@deja/data-access-postgres';

export interface TenantRecord {
  id: string;
  rate_limit_rps: number | null;
  rate_limit_burst: number | null;
}

/** Tenants and their API keys. Keys are looked up by digest; the clear key is never stored. */
export class TenantsRepository {
  constructor(private readonly pool: Pool) {}

  /** The tenant that owns a key digest, if any. */
  async findByKeyHash(keyHash: string): Promise<(TenantRecord & { key_hash: string }) | undefined> {
    const r = await this.pool.query<TenantRecord & { key_hash: string }>(
      `SELECT t.id, t.rate_limit_rps, t.rate_limit_burst, k.key_hash
         FROM tenant_api_keys k JOIN tenants t ON t.id = k.tenant WHERE k.key_hash = $1`,
      [keyHash],
    );
    return r.rows[0];
  }

  /** Creates the tenant if missing and attaches the key digest if missing (start-up seeding). */
  async ensure(tenant: string, keyHash: string, label: string): Promise<void> {
    await this.pool.query(`INSERT INTO tenants (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [tenant]);
    await this.pool.query(
      `INSERT INTO tenant_api_keys (key_hash, tenant, label) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO NOTHING`,
      [keyHash, tenant, label],
    );
  }

  /** Creates a new tenant with its first key; false when the tenant id is taken. */
  async create(tenant: TenantRecord, keyHash: string): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const r = await client.query(
        `INSERT INTO tenants (id, rate_limit_rps, rate_limit_burst) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
        [tenant.id, tenant.rate_limit_rps, tenant.rate_limit_burst],
      );
      // Taken: nothing was written, so committing the empty transaction changes nothing.
      if ((r.rowCount ?? 0) === 0) return false;
      await client.query(`INSERT INTO tenant_api_keys (key_hash, tenant, label) VALUES ($1, $2, 'created by admin')`, [
        keyHash,
        tenant.id,
      ]);
      return true;
    });
  }
}
