import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { CacheOptions } from '@deja/contracts';
import { findNamespace } from '@deja/data-access-cache';
import { PG_POOL } from '@deja/data-access-postgres';
import {
  CachePolicyException,
  DEFAULT_NAMESPACE_POLICY,
  effectiveRule,
  effectiveThreshold,
  effectiveTtlSeconds,
  namespacePolicy,
  type NamespacePolicy,
} from '@deja/util-cache-policy';
import { GatewayErrorCode, GatewayException, type ErrorIssue } from '../gateway.exception';

/**
 * Refuses a request's `deja.threshold`, `deja.target_false_hit_rate` or `deja.ttl_seconds` outside its namespace's bounds with
 * a 400 naming the field, before the job is stored or enqueued. The embedding-service applies the
 * same bounds (with the same defaults) and stays the authority; checked only there, a caller's
 * mistake came back as `502 upstream_failed` with a failed job stored.
 */
@Injectable()
export class NamespaceBounds {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Reads the namespace only when the request overrides something it bounds. */
  async check(
    tenant: string,
    cache: Pick<CacheOptions, 'namespace' | 'threshold' | 'ttl_seconds' | 'target_false_hit_rate'>,
  ): Promise<void> {
    if (cache.threshold === undefined && cache.ttl_seconds === undefined && cache.target_false_hit_rate === undefined)
      return;
    const policy = this.policy(await findNamespace(this.pool, tenant, cache.namespace));
    // A namespace whose own policy is inconsistent is an operator's problem: the pipeline reports it.
    if (!policy) return;
    const issues = [
      refusal('deja.threshold', () => effectiveThreshold(policy, cache.threshold)),
      refusal('deja.ttl_seconds', () => effectiveTtlSeconds(policy, cache.ttl_seconds)),
      refusal('deja.target_false_hit_rate', () =>
        effectiveRule(policy, { target_false_hit_rate: cache.target_false_hit_rate }),
      ),
    ].filter((i): i is ErrorIssue => i !== undefined);
    if (issues.length === 0) return;
    throw new GatewayException(
      GatewayErrorCode.InvalidRequest,
      `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }

  private policy(row: Parameters<typeof namespacePolicy>[0]): NamespacePolicy | undefined {
    try {
      return namespacePolicy(row, DEFAULT_NAMESPACE_POLICY);
    } catch (error) {
      if (error instanceof CachePolicyException) return undefined;
      throw error;
    }
  }
}

function refusal(path: string, check: () => unknown): ErrorIssue | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof CachePolicyException) return { path, message: error.message };
    throw error;
  }
}
