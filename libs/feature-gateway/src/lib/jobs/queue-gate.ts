import { Injectable } from '@nestjs/common';
import type { QueuedLoad } from '@deja/data-access-jobs';
import type { QueueLimit } from '../gateway.options';

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

  remember(tenant: string, queued: QueuedLoad, limit: QueueLimit, now = Date.now()): void {
    this.full.set(tenant, { until: now + QUEUE_FULL_MEMORY_MS, queued, limit });
  }

  /** Why a request of `declaredBytes` from this tenant would be refused now, or undefined. */
  refusal(tenant: string, declaredBytes: number, now = Date.now()): string | undefined {
    const f = this.full.get(tenant);
    if (!f) return undefined;
    if (f.until <= now) {
      this.full.delete(tenant);
      return undefined;
    }
    return queueOverLimit(f.queued, declaredBytes, f.limit);
  }
}

/** Why one more job of `bytes` would overfill the queue, or undefined. One job is always admitted. */
export function queueOverLimit(queued: QueuedLoad, bytes: number, limit: QueueLimit): string | undefined {
  if (queued.jobs + 1 > limit.jobs) return `${queued.jobs} jobs are queued for this tenant (at most ${limit.jobs})`;
  if (queued.jobs > 0 && queued.bytes + bytes > limit.bytes)
    return `${queued.bytes} bytes of requests are queued for this tenant, this one adds ${bytes} (at most ${limit.bytes})`;
  return undefined;
}
