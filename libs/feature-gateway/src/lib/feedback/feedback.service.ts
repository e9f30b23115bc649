import { Injectable } from '@nestjs/common';
import { TopicPublisher } from '@deja/data-access-kafka';
import { FeedbackRepository, JobsRepository, type FeedbackRecord } from '@deja/data-access-jobs';
import { buildInvalidation } from '@deja/feature-invalidation';
import { publishInvalidation } from '../admin/publish-invalidation';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { callStore } from '../http/store-call';

export interface FeedbackInput {
  tenant: string;
  jobId?: string;
  entryId?: string;
  wrong: boolean;
  note?: string;
}

/**
 * "This answer was wrong" (or right), from an application or its user (issue 18). A wrong
 * verdict on a cached answer retires its entry at once through the same audited command an
 * operator's purge publishes (`purge_entry`, requested by `feedback`), so the next asker misses;
 * every verdict is kept as a labelled example. Tenant-scoped throughout: another tenant's job or
 * entry is "not found", and its entries are never touched.
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly feedback: FeedbackRepository,
    private readonly publisher: TopicPublisher,
  ) {}

  async submit(f: FeedbackInput): Promise<FeedbackRecord> {
    const entryId = await this.store(() => this.entryFor(f));
    const eventId = f.wrong && entryId ? await this.retire(f.tenant, entryId) : null;
    return this.store(() =>
      this.feedback.record({
        tenant: f.tenant,
        jobId: f.jobId ?? null,
        entryId,
        wrong: f.wrong,
        note: f.note ?? null,
        eventId,
      }),
    );
  }

  /** The entry the verdict is about (null: the answer was not cached), or 404. */
  private async entryFor(f: FeedbackInput): Promise<string | null> {
    if (f.entryId !== undefined) {
      if (await this.feedback.hasEntry(f.tenant, f.entryId)) return f.entryId;
      throw new GatewayException(GatewayErrorCode.NotFound, `entry '${f.entryId}' not found`);
    }
    const job = f.jobId === undefined ? undefined : await this.jobs.findForTenant(f.tenant, f.jobId);
    if (!job) throw new GatewayException(GatewayErrorCode.NotFound, `job '${f.jobId}' not found`);
    if (job.status === 'queued')
      throw new GatewayException(GatewayErrorCode.Conflict, `job '${job.id}' has no answer yet`, {
        issues: [{ path: 'job_id', message: 'still queued' }],
      });
    return this.feedback.entryOfJob(f.tenant, job.id, job.result?.cache.entry_id ?? null);
  }

  private async retire(tenant: string, entryId: string): Promise<string> {
    const command = buildInvalidation({ tenant, action: 'purge_entry', entry_id: entryId, requested_by: 'feedback' });
    await publishInvalidation(this.publisher, command);
    return command.event_id;
  }

  private store<T>(fn: () => Promise<T>): Promise<T> {
    return callStore(fn, { subject: 'the feedback', store: 'the feedback store' });
  }
}
