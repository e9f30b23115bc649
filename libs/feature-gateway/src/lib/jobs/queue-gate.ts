import { Injectable } from '@nestjs/common';
import type { QueuedLoad, QueueLimit } from '@deja/data-access-jobs';

/** How long a tenant found with a full queue is refused without reading its bodies: the `retry-after`. */
export const QUEUE_FULL_MEMORY_MS = 1000;

interface FullQueue {
  until: number;
  queued: QueuedLoad;
  limit: QueueLimit;
}

/**
 * What this replica last learned of a tenant whose queue was full. Finding that out needs the
 * body (its size) and a database read; a tenant that keeps sending after its 429 — a flood does
 * not back off — would make the gateway receive and parse every refused body. For a second after
 * a refusal, its next requests are refused before the body is read (as the in-flight limit is),
 * judged by the declared length against the load that was read. Per replica, in memory: it only
 * ever refuses earlier what the database check would have refused a moment ago.
 */
@Injectable()
export class QueueGate {
  private readonly full = new Map<string, FullQueue>();
  /** Tenants that just sent a request too large for the broker. */
  private readonly oversize = new Map<string, { until: number }>();

  remember(tenant: string, queued: QueuedLoad, limit: QueueLimit, now = Date.now()): void {
    this.full.set(tenant, { until: now + QUEUE_FULL_MEMORY_MS, queued, limit });
  }

  /**
   * The tenant's last request encoded larger than the broker takes (413). A client resending such
   * bodies (the flood bench: 1,177 bodies of 1.6 MB in 20 s, each read and parsed only to be
   * refused) has its next bodies declared larger than that limit refused unread for a second.
   */
  rememberOversize(tenant: string, now = Date.now()): void {
    this.oversize.set(tenant, { until: now + QUEUE_FULL_MEMORY_MS });
  }

  /** True when a body of `declaredBytes` over `limit` comes from a tenant refused for size a moment ago. */
  refusesOversize(tenant: string, declaredBytes: number, limit: number, now = Date.now()): boolean {
    return fresh(this.oversize, tenant, now) !== undefined && declaredBytes > limit;
  }

  /** Why a request of `declaredBytes` from this tenant would be refused now, or undefined. */
  refusal(tenant: string, declaredBytes: number, now = Date.now()): string | undefined {
    const f = fresh(this.full, tenant, now);
    return f && queueOverLimit(f.queued, declaredBytes, f.limit);
  }
}

/** The tenant's remembered refusal while it lasts (an expired one is dropped). */
function fresh<V extends { until: number }>(memory: Map<string, V>, tenant: string, now: number): V | undefined {
  const v = memory.get(tenant);
  if (v && v.until <= now) memory.delete(tenant);
  return v && v.until > now ? v : undefined;
}

/** Why one more job of `bytes` would overfill the queue, or undefined. One job is always admitted. */
export function queueOverLimit(queued: QueuedLoad, bytes: number, limit: QueueLimit): string | undefined {
  if (queued.jobs + 1 > limit.jobs) return `${queued.jobs} jobs are queued for this tenant (at most ${limit.jobs})`;
  if (queued.jobs > 0 && queued.bytes + bytes > limit.bytes)
    return `${queued.bytes} bytes of requests are queued for this tenant, this one adds ${bytes} (at most ${limit.bytes})`;
  return undefined;
}
