import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { JobNotifications } from '@deja/data-access-jobs';
import { AuthService } from './auth/auth.service';
import { JOB_NOTIFICATIONS } from './gateway.options';
import { JobWaiters } from './jobs/job-waiters.service';

/**
 * What this replica hears from the others, through the one LISTEN connection: a stored result
 * wakes the requests waiting on its job; an erased tenant is forgotten by the key cache, so its
 * keys are refused here at once, not when the cache entry expires. After a reconnection the whole
 * key cache is dropped, since an erasure may have been missed in between.
 */
@Injectable()
export class ReplicaNotifications implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReplicaNotifications.name);
  private stopped = false;

  constructor(
    @Inject(JOB_NOTIFICATIONS) private readonly notifications: JobNotifications,
    private readonly waiters: JobWaiters,
    private readonly auth: AuthService,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.stopped) return;
    await this.notifications.start({
      job: (id) => this.waiters.wake(id),
      tenantErased: (tenant) => {
        this.auth.forgetTenant(tenant);
        this.logger.log(`tenant ${tenant} was erased: its keys are no longer accepted here`);
      },
      resubscribed: () => this.auth.forgetAll(),
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.notifications.stop();
  }
}
