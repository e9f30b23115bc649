import { Inject, Injectable } from '@nestjs/common';
import type { JobRecord } from '@deja/data-access-jobs';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

/** How many wake-ups for jobs nobody waited on yet are kept (see `JobWaiters.early`). */
const EARLY_WAKE_UPS = 1000;

/**
 * Wakes requests waiting on a job. Any replica may persist a job's result; it then sends
 * `NOTIFY deja_jobs, '<id>'`, which every replica receives on its dedicated LISTEN connection
 * ({@link ReplicaNotifications} calls `wake`). Waiters also re-check Postgres every `recheckMs`,
 * so a lost notification only delays them.
 */
@Injectable()
export class JobWaiters {
  private readonly waiting = new Map<string, Set<(job?: JobRecord) => void>>();
  /**
   * Wake-ups for jobs nobody here waited on yet (null: notified, read it again), so a caller that
   * starts waiting without reading the job first cannot sleep through a result that came between
   * its publish and its wait. Most are other replicas' jobs: only the latest few are kept.
   */
  private readonly early = new Map<string, JobRecord | null>();

  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  /**
   * Wakes local waiters on a job: with the job as it now is when the caller has it (a result
   * persisted on this replica), or without (a notification: the waiters read it again).
   */
  wake(id: string, job?: JobRecord): void {
    const waiting = this.waiting.get(id);
    if (waiting) for (const fn of waiting) fn(job);
    else this.rememberEarly(id, job ?? null);
  }

  private rememberEarly(id: string, job: JobRecord | null): void {
    if (this.early.size >= EARLY_WAKE_UPS) this.early.delete(this.early.keys().next().value as string);
    this.early.set(id, job);
  }

  /**
   * Loads the job until it is no longer queued or the deadline passes. The wake-up promise is
   * armed before each load, so a notification that arrives during the load is not missed.
   * `known`: the job as the caller just had it, used instead of the first load unless a
   * wake-up for it came before this wait began.
   */
  async waitFor(
    id: string,
    timeoutMs: number,
    load: () => Promise<JobRecord | undefined>,
    known?: JobRecord,
  ): Promise<JobRecord | undefined> {
    const deadline = Date.now() + timeoutMs;
    let wake: (job?: JobRecord) => void = () => undefined;
    const onWake = (job?: JobRecord) => wake(job);
    let set = this.waiting.get(id);
    if (!set) this.waiting.set(id, (set = new Set()));
    set.add(onWake);
    try {
      let handed = this.early.has(id) ? (this.early.get(id) ?? undefined) : known;
      this.early.delete(id);
      for (;;) {
        const woken = new Promise<JobRecord | undefined>((resolve) => (wake = resolve));
        const job = handed ?? (await load());
        const remaining = deadline - Date.now();
        if (!job || job.status !== 'queued' || remaining <= 0) return job;
        let timer: NodeJS.Timeout | undefined;
        handed = await Promise.race([
          woken,
          new Promise<undefined>(
            (r) => (timer = setTimeout(() => r(undefined), Math.min(remaining, this.options.recheckMs))),
          ),
        ]);
        clearTimeout(timer);
      }
    } finally {
      set.delete(onWake);
      if (set.size === 0) this.waiting.delete(id);
    }
  }
}
