import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RESULTS_V1, type ResultV1 } from '@deja/contracts';
import { JobsRepository } from '@deja/data-access-jobs';
import type { InboundMessage } from '@deja/data-access-kafka';
import { GatewayMetrics } from '../gateway.metrics';
import { JobWaiters } from './job-waiters.service';

/**
 * Completes jobs from `deja.results.v1`. Replicas share one consumer group, so each result is
 * persisted once; the UPDATE notifies `deja_jobs`, waking waiters on every replica (which re-read
 * the job), and the waiters on this replica are handed the completed job directly. Results for
 * ids that are not gateway jobs (batch producers) are ignored; duplicates change nothing.
 * Database failures propagate and are retried by the consumer runner.
 */
@Controller()
export class ResultsHandler {
  private readonly logger = new Logger(ResultsHandler.name);

  constructor(
    private readonly repo: JobsRepository,
    private readonly waiters: JobWaiters,
    private readonly metrics: GatewayMetrics,
  ) {}

  @EventPattern(RESULTS_V1)
  async onResult(@Payload() message: InboundMessage<ResultV1>): Promise<void> {
    const result = message.value;
    const job = await this.repo.complete(result);
    if (job) {
      // Requests waiting on this replica take the completed job as it is: no re-read.
      this.waiters.wake(result.request_id, job);
      this.metrics.recordResult(result);
    } else
      this.logger.debug(
        `result ${result.request_id}: no queued gateway job (duplicate, other tenant, or not a gateway job)`,
      );
  }
}
