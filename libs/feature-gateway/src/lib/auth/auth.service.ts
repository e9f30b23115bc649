import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TenantsRepository } from '@deja/data-access-jobs';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';
import { DEVELOPMENT_KEY_SECRET, digestsEqual, generateApiKey, hashApiKey } from './api-key';
import type { RateLimit } from './rate-limiter';

const AUTH_CACHE_MS = 30_000;
const UNKNOWN_KEY_CACHE_MS = 2_000;
const AUTH_CACHE_MAX = 10_000;

/** Who is calling: a tenant (with its rate limit) or the admin. */
export type Principal = { kind: 'tenant'; tenant: string; rateLimit: RateLimit } | { kind: 'admin' };

/** Resolves API keys to principals and seeds the configured keys at start. */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  private readonly adminDigest: string | undefined;
  private readonly keySecret: string;
  /**
   * Recently resolved keys, so the hot path does not query Postgres on every call. An erasure on
   * any replica empties this of the tenant at once (`forgetTenant`, on its notification).
   */
  private readonly recent = new Map<string, { principal: Principal | undefined; until: number }>();
  /**
   * Bumped by every forget: a lookup that began before an erasure and answers after it must not
   * put the erased tenant back for the rest of the cache lifetime.
   */
  private generation = 0;

  constructor(
    private readonly tenants: TenantsRepository,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {
    this.keySecret = options.keySecret ?? DEVELOPMENT_KEY_SECRET;
    this.adminDigest = options.adminKey ? hashApiKey(this.keySecret, options.adminKey) : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.apiKey) {
      await this.tenants.ensure('default', hashApiKey(this.keySecret, this.options.apiKey), 'DEJA_API_KEY');
      this.logger.log(
        'tenant "default" has the key from DEJA_API_KEY (local use; create tenants through the admin API in production)',
      );
    }
  }

  /** The principal a key belongs to, or undefined for an unknown key. */
  async resolve(key: string): Promise<Principal | undefined> {
    const digest = hashApiKey(this.keySecret, key);
    if (this.adminDigest && digestsEqual(digest, this.adminDigest)) return { kind: 'admin' };
    const cached = this.recent.get(digest);
    if (cached && cached.until > Date.now()) return cached.principal;
    const generation = this.generation;
    const principal = await this.lookup(digest);
    if (generation !== this.generation) return principal;
    // Unknown keys are remembered briefly too, so a flood of bad keys does not reach Postgres.
    if (this.recent.size >= AUTH_CACHE_MAX) this.recent.delete(this.recent.keys().next().value as string);
    this.recent.set(digest, { principal, until: Date.now() + (principal ? AUTH_CACHE_MS : UNKNOWN_KEY_CACHE_MS) });
    return principal;
  }

  private async lookup(digest: string): Promise<Principal | undefined> {
    let row;
    try {
      row = await this.tenants.findByKeyHash(digest);
    } catch (cause) {
      throw new GatewayException(GatewayErrorCode.StoreUnavailable, 'the key store (Postgres) is not reachable', {
        cause,
        retryAfterSeconds: 2,
      });
    }
    // The lookup was by digest; compare again in constant time so the decision does not depend on string compares.
    if (!row || !digestsEqual(row.key_hash, digest)) return undefined;
    return {
      kind: 'tenant',
      tenant: row.id,
      rateLimit: {
        rps: row.rate_limit_rps ?? this.options.rateLimit.rps,
        burst: row.rate_limit_burst ?? this.options.rateLimit.burst,
      },
    };
  }

  /**
   * Drops this replica's remembered keys of a tenant: after its erasure here, and on the erasure's
   * notification (`deja_tenants`) from any other replica, so every replica refuses it at once.
   */
  forgetTenant(tenant: string): void {
    this.generation++;
    for (const [digest, entry] of this.recent) {
      if (entry.principal?.kind === 'tenant' && entry.principal.tenant === tenant) this.recent.delete(digest);
    }
  }

  /** Drops every remembered key: erasure notifications may have been missed (connection lost). */
  forgetAll(): void {
    this.generation++;
    this.recent.clear();
  }

  /** Creates a tenant and returns its first key, which is shown exactly once. */
  async createTenant(id: string, rateLimit?: Partial<RateLimit>): Promise<{ tenant: string; api_key: string }> {
    const key = generateApiKey();
    const created = await this.tenants.create(
      { id, rate_limit_rps: rateLimit?.rps ?? null, rate_limit_burst: rateLimit?.burst ?? null },
      hashApiKey(this.keySecret, key),
    );
    if (!created) throw new GatewayException(GatewayErrorCode.Conflict, `tenant '${id}' already exists`);
    return { tenant: id, api_key: key };
  }
}
