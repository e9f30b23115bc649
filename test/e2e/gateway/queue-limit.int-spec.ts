import { randomUUID } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Pool } from 'pg';
import { PG_POOL } from '@deja/data-access-postgres';
import { QUEUE_FULL_MEMORY_MS } from '@deja/feature-gateway';
import { ADMIN_KEY, http, startReplica, type GatewayReplica } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 19, item 3: one tenant's backlog must not queue in front of everyone's questions. The
 * gateway alone runs here (no service consumes deja.requests.v1), so every accepted job stays
 * queued — the state a flood leaves behind when the pipeline cannot keep up. Before the queue
 * limit, every one of these jobs was accepted.
 */
describe('gateway: per-tenant queue limits (jobs and bytes queued across the deployment)', () => {
  let replica: GatewayReplica;
  let pool: Pool;

  beforeAll(async () => {
    replica = await startReplica(`gw-e2e-queue-${randomUUID()}`, { queueLimit: { jobs: 3, bytes: 64 * 1024 } });
    pool = replica.app.get(PG_POOL);
  });

  afterAll(async () => {
    await replica?.app.close();
  });

  async function tenant(): Promise<{ id: string; key: string }> {
    const created = await http('POST', `${replica.url}/v1/admin/tenants`, {
      key: ADMIN_KEY,
      body: { id: `e2e-queue-${randomUUID().slice(0, 8)}` },
    });
    expect(created.status).toBe(201);
    return { id: created.body['tenant'] as string, key: created.body['api_key'] as string };
  }

  const job = (content: string, id?: string) => ({
    ...(id ? { id } : {}),
    provider: 'openai',
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content }],
  });

  const queued = async (t: string) =>
    Number(
      (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM jobs WHERE tenant = $1 AND status = 'queued'`, [t]))
        .rows[0]?.n,
    );

  it('refuses a tenant over its queued-job limit with 429 + retry-after, leaves other tenants alone, and admits again once a job is answered', async () => {
    const flooder = await tenant();
    const other = await tenant();
    for (let i = 0; i < 3; i++) {
      const res = await http('POST', `${replica.url}/v1/jobs`, { key: flooder.key, body: job(`question ${i}`) });
      expect(res.status).toBe(202);
    }
    const refused = await http('POST', `${replica.url}/v1/jobs`, { key: flooder.key, body: job('one too many') });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    const error = refused.body['error'] as { code: string; retriable: boolean; message: string };
    expect(error.code).toBe('rate_limited');
    expect(error.retriable).toBe(true);
    expect(error.message).toMatch(/3 jobs are queued/);
    // Nothing stored for the refused one.
    expect(await queued(flooder.id)).toBe(3);
    // Compatible endpoints are refused the same way (they queue a job too), before waiting.
    const compat = await http('POST', `${replica.url}/v1/chat/completions`, {
      key: flooder.key,
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'compat too' }] },
    });
    expect(compat.status).toBe(429);

    const fromOther = await http('POST', `${replica.url}/v1/jobs`, { key: other.key, body: job('my own question') });
    expect(fromOther.status).toBe(202);

    // One of the flooder's jobs answered (as the results handler would): room for one more.
    await pool.query(
      `UPDATE jobs SET status = 'completed', completed_at = now() WHERE id = (SELECT id FROM jobs WHERE tenant = $1 AND status = 'queued' LIMIT 1)`,
      [flooder.id],
    );
    // This replica refuses the tenant before reading bodies for a second after a refusal (the retry-after).
    await sleep(QUEUE_FULL_MEMORY_MS);
    const admitted = await http('POST', `${replica.url}/v1/jobs`, { key: flooder.key, body: job('after an answer') });
    expect(admitted.status).toBe(202);
  });

  it('after a refusal, refuses the same tenant for a second before reading its body', async () => {
    const t = await tenant();
    for (let i = 0; i < 3; i++)
      expect((await http('POST', `${replica.url}/v1/jobs`, { key: t.key, body: job(`q ${i}`) })).status).toBe(202);
    expect((await http('POST', `${replica.url}/v1/jobs`, { key: t.key, body: job('refused') })).status).toBe(429);
    // Declares a body and never sends it: only a refusal before the body is read can answer.
    const { status, headers } = await new Promise<{ status: number; headers: IncomingHttpHeaders }>(
      (resolve, reject) => {
        const req = request(`${replica.url}/v1/jobs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json', 'content-length': '500000' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, headers: res.headers });
        });
        req.on('error', reject);
        req.flushHeaders();
      },
    );
    expect(status).toBe(429);
    expect(headers['retry-after']).toBe('1');
    expect(headers['connection']).toBe('close');
  });

  it('refuses by queued bytes (one job is always admitted), and answers a resubmission of a job the tenant already has', async () => {
    const t = await tenant();
    const big = 'x'.repeat(50 * 1024);
    const first = await http('POST', `${replica.url}/v1/jobs`, { key: t.key, body: job(big, 'client-big') });
    expect(first.status).toBe(202);
    const second = await http('POST', `${replica.url}/v1/jobs`, { key: t.key, body: job('y'.repeat(20 * 1024)) });
    expect(second.status).toBe(429);
    expect((second.body['error'] as { message: string }).message).toMatch(/bytes of requests are queued/);
    // Small ones still fit under the byte limit.
    const small = await http('POST', `${replica.url}/v1/jobs`, { key: t.key, body: job('short') });
    expect(small.status).toBe(202);
    // The same client id again is the existing job (200), not a refusal: it queues nothing new
    // (once the second after the refusal is over).
    await sleep(QUEUE_FULL_MEMORY_MS);
    const again = await http('POST', `${replica.url}/v1/jobs`, { key: t.key, body: job(big, 'client-big') });
    expect(again.status).toBe(200);
    expect(again.body['id']).toBe(first.body['id']);
    expect(await queued(t.id)).toBe(2);
  });
});
