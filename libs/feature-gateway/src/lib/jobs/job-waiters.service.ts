import { Inject, Injectable } from '@nestjs/common';
import type { JobRecord } from '@deja/data-access-jobs';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

/**
 * Wakes requests waiting on a job. Any replica may persist a job's result; it then sends
 * `NOTIFY deja_jobs, '<id>'`, which every replica receives on its dedicated LISTEN connection
 * ({@link ReplicaNotifications} calls `wake`). Waiters also re-check Postgres every `recheckMs`,
 * so a lost notification only delays them.
 */
@Injectable()
export class JobWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  /** Wakes local waiters on a job (called for notifications and for results persisted here). */
  wake(id: string): void {
    for (const fn of this.waiting.get(id) ?? []) fn();
  }

  /**
   * Loads the job until it is no longer queued or the deadline passes. The wake-up promise is
   * armed before each load, so a notification that arrives during the load is not missed.
   */
  async waitFor(
    id: string,
    timeoutMs: number,
    load: () => Promise<JobRecord | undefined>,
  ): Promise<JobRecord | undefined> {
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => undefined;
    const onWake = () => wake();
    let set = this.waiting.get(id);
    if (!set) this.waiting.set(id, (set = new Set()));
    set.add(onWake);
    try {
      for (;;) {
        const woken = new Promise<void>((resolve) => (wake = resolve));
        const job = await load();
        const remaining = deadline - Date.now();
        if (!job || job.status !== 'queued' || remaining <= 0) return job;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          woken,
          new Promise<void>((r) => (timer = setTimeout(r, Math.min(remaining, this.options.recheckMs)))),
        ]);
        clearTimeout(timer);
      }
    } finally {
      set.delete(onWake);
      if (set.size === 0) this.waiting.delete(id);
    }
  }
}
