import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { JobsRepository } from '@deja/data-access-jobs';
import { GatewayMetrics } from '../gateway.metrics';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

/**
 * Fails jobs whose result never came (pipeline down, result lost before the consumer group had
 * offsets), so no job is queued forever and waiters get a clear `expired` error. Every replica
 * runs it; the UPDATE is idempotent.
 */
@Injectable()
export class JobExpiry implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobExpiry.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: JobsRepository,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.min(60_000, Math.max(1000, (this.options.jobExpireSeconds * 1000) / 4));
    this.timer = setInterval(() => void this.sweep(), every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<string[]> {
    try {
      const expired = await this.repo.expireQueued(this.options.jobExpireSeconds, {
        code: 'expired',
        message: `no result within ${this.options.jobExpireSeconds} s; the pipeline may be down — resubmit the request`,
        retriable: true,
      });
      if (expired.length > 0) {
        this.metrics.jobsExpired.inc(expired.length);
        this.logger.warn(`expired ${expired.length} job(s) without a result`);
      }
      return expired;
    } catch (e) {
      this.logger.warn(`job expiry sweep failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }
}
