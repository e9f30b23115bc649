import type { JobRecord } from '@deja/data-access-jobs';
import type { GatewayOptions } from '../gateway.options';
import { JobWaiters } from './job-waiters.service';

const job = (status: JobRecord['status']): JobRecord => ({
  id: 'j1',
  tenant: 't',
  clientId: null,
  status,
  request: {} as JobRecord['request'],
  result: null,
  error: null,
  createdAt: new Date(),
  completedAt: null,
});

// wake() stands in for a notification from another replica.
const waiters = () => new JobWaiters({ recheckMs: 60_000 } as GatewayOptions);

describe('JobWaiters', () => {
  it('does not miss a notification that arrives while the job is being loaded', async () => {
    const w = waiters();
    let loads = 0;
    const started = Date.now();
    const done = await w.waitFor('j1', 10_000, async () => {
      loads++;
      if (loads === 1) {
        w.wake('j1'); // the result lands between our read and our wait
        return job('queued');
      }
      return job('completed');
    });
    expect(done?.status).toBe('completed');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('returns the still-queued job at the deadline', async () => {
    const w = waiters();
    const started = Date.now();
    const res = await w.waitFor('j1', 300, async () => job('queued'));
    expect(res?.status).toBe('queued');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('re-checks periodically even without notifications', async () => {
    const w = new JobWaiters({ recheckMs: 50 } as GatewayOptions);
    let loads = 0;
    const res = await w.waitFor('j1', 5000, async () => (++loads < 4 ? job('queued') : job('failed')));
    expect(res?.status).toBe('failed');
    expect(loads).toBe(4);
  });

  it('takes a job handed over by a result persisted on this replica, without reading it again', async () => {
    const w = waiters();
    let loads = 0;
    const waiting = w.waitFor('j1', 10_000, async () => {
      loads++;
      return job('queued');
    });
    await new Promise((r) => setImmediate(r));
    w.wake('j1', job('completed'));
    expect((await waiting)?.status).toBe('completed');
    expect(loads).toBe(1);
  });

  it('starts from the job the caller has, without reading it, and is handed the result', async () => {
    const w = waiters();
    let loads = 0;
    const waiting = w.waitFor(
      'j1',
      10_000,
      async () => {
        loads++;
        return job('queued');
      },
      job('queued'),
    );
    await new Promise((r) => setImmediate(r));
    w.wake('j1', job('completed'));
    expect((await waiting)?.status).toBe('completed');
    expect(loads).toBe(0);
  });

  it('does not sleep through a result that came between the publish and the wait', async () => {
    const w = waiters();
    w.wake('j1', job('completed')); // nobody waits yet: kept for the waiter to come
    expect((await w.waitFor('j1', 10_000, async () => job('queued'), job('queued')))?.status).toBe('completed');
  });

  it('reads the job again after a notification that came before the wait', async () => {
    const w = waiters();
    w.wake('j1'); // another replica's notification: no job handed over
    const res = await w.waitFor('j1', 10_000, async () => job('failed'), job('queued'));
    expect(res?.status).toBe('failed');
  });
});
