import { QUEUE_FULL_MEMORY_MS, QueueGate, queueOverLimit } from './queue-gate';

describe('queue limits', () => {
  const limit = { jobs: 3, bytes: 1000 };

  it('admits one job whatever its size, then holds the tenant to its jobs and bytes', () => {
    expect(queueOverLimit({ jobs: 0, bytes: 0 }, 5000, limit)).toBeUndefined();
    expect(queueOverLimit({ jobs: 1, bytes: 400 }, 600, limit)).toBeUndefined();
    expect(queueOverLimit({ jobs: 1, bytes: 400 }, 601, limit)).toMatch(/bytes of requests are queued/);
    expect(queueOverLimit({ jobs: 3, bytes: 10 }, 1, limit)).toMatch(/3 jobs are queued/);
  });

  it('refuses before the body only for a second after a refusal, judged by the declared size', () => {
    const gate = new QueueGate();
    expect(gate.refusal('t', 10, 0)).toBeUndefined();
    gate.remember('t', { jobs: 2, bytes: 900 }, limit, 0);
    expect(gate.refusal('t', 200, 10)).toMatch(/bytes/);
    // A small request still fits what was queued; another tenant is not affected.
    expect(gate.refusal('t', 50, 10)).toBeUndefined();
    expect(gate.refusal('u', 5000, 10)).toBeUndefined();
    expect(gate.refusal('t', 200, QUEUE_FULL_MEMORY_MS)).toBeUndefined();
  });

  it('refuses bodies over the broker limit unread for a second after a request was refused for its size', () => {
    const gate = new QueueGate();
    expect(gate.refusesOversize('t', 2_000_000, 1_000_000, 0)).toBe(false);
    gate.rememberOversize('t', 0);
    expect(gate.refusesOversize('t', 2_000_000, 1_000_000, 10)).toBe(true);
    expect(gate.refusesOversize('t', 500_000, 1_000_000, 10)).toBe(false);
    expect(gate.refusesOversize('u', 2_000_000, 1_000_000, 10)).toBe(false);
    expect(gate.refusesOversize('t', 2_000_000, 1_000_000, QUEUE_FULL_MEMORY_MS)).toBe(false);
  });
});
