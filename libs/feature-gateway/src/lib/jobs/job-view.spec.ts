import type { JobRecord } from '@deja/data-access-jobs';
import { completed } from '../translate/fixtures';
import { jobView } from './job-view';

describe('jobView', () => {
  const job = (cache: Partial<ReturnType<typeof completed>['result']['cache']>): JobRecord =>
    ({
      id: 'job-1',
      clientId: null,
      status: 'completed',
      result: completed({
        cache: {
          outcome: 'hit',
          tier: 'semantic',
          similarity: 0.971234567,
          threshold: 0.930000001,
          entry_id: 'e-1',
          rejected_by: null,
          ...cache,
        },
      }).result,
      error: null,
      createdAt: new Date('2026-11-27T01:00:00Z'),
      completedAt: new Date('2026-11-27T01:00:01Z'),
    }) as unknown as JobRecord;

  it('rounds similarity and threshold to 4 decimals, as the x-deja-similarity header does', () => {
    expect(jobView(job({}))['cache']).toMatchObject({ similarity: 0.9712, threshold: 0.93 });
  });

  it('says whether a miss was coalesced onto another request’s provider call', () => {
    expect(jobView(job({ outcome: 'miss', coalesced: true }))['cache']).toMatchObject({
      outcome: 'miss',
      coalesced: true,
    });
    expect(jobView(job({}))['cache']).toMatchObject({ coalesced: false });
  });
});
