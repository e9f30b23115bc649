import { KafkaJSConnectionError } from 'kafkajs';
import { TopicPublisher } from '@deja/data-access-kafka';
import { JobsRepository } from '@deja/data-access-jobs';
import { ADMIN_KEY, http, keepOffKafka, miss, sleep, startStack, type GatewayStack } from './harness';

const chat = (text: string, extra: Record<string, unknown> = {}) => ({
  provider: 'openai',
  model: 'gpt-4o-mini',
  system: 'You are terse.',
  messages: [{ role: 'user', content: text }],
  ...extra,
});

describe('gateway jobs API against real Kafka and Postgres, two replicas', () => {
  let s: GatewayStack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('queues a job (202), publishes RequestV1 keyed by the job id, and completes it from the ResultV1', async () => {
    const { key, tenant } = s.keys.main;
    const posted = await http('POST', `${s.a.url}/v1/jobs`, {
      key,
      body: chat('What is the capital of France?', {
        deja: { namespace: 'geo', context_docs: [{ id: 'atlas', version: 3 }] },
        params: { temperature: 0 },
      }),
    });
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ status: 'queued' });
    const id = posted.body['id'] as string;

    const req = await s.pipeline.waitForRequest((r) => r.request_id === id);
    expect(req).toMatchObject({
      tenant,
      request: { provider: 'openai', model: 'gpt-4o-mini', system: 'You are terse.', params: { temperature: 0 } },
      cache: { namespace: 'geo', lookup: true, store: true, context_docs: [{ id: 'atlas', version: 3 }] },
    });

    const done = await http('GET', `${s.b.url}/v1/jobs/${id}?wait=20`, { key });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      id,
      status: 'completed',
      answer: { content: 'answer to: What is the capital of France?', finish_reason: 'stop' },
      cache: { outcome: 'miss', tier: null, similarity: null, threshold: 0.93, entry_id: null, rejected_by: null },
      usage: { input_tokens: 40, cache_read_tokens: 60, output_tokens: 12, cache_write_tokens: 0 },
      cost: { usd: 0.0003, uncached_usd: 0.0004, saved_usd: 0.0001 },
      error: null,
      warnings: [],
    });
    expect(typeof done.body['completed_at']).toBe('string');
    expect(done.headers.get('x-deja-cache')).toBe('miss');
    const fromA = await http('GET', `${s.a.url}/v1/jobs/${id}`, { key });
    expect(fromA.body).toEqual(done.body);
  });

  it('ignores a duplicate result for a completed job', async () => {
    const { key, tenant } = s.keys.main;
    const posted = await http('POST', `${s.a.url}/v1/jobs`, { key, body: chat('Duplicate me') });
    const id = posted.body['id'] as string;
    const first = await http('GET', `${s.a.url}/v1/jobs/${id}?wait=20`, { key });
    expect(first.body['status']).toBe('completed');
    await s.pipeline.send({
      request_id: id,
      tenant,
      completed_at: new Date().toISOString(),
      ...miss('a different, later answer'),
    });
    await sleep(3000);
    const again = await http('GET', `${s.b.url}/v1/jobs/${id}`, { key });
    expect(again.body).toEqual(first.body);
  });

  it('returns the existing job for a duplicate client id of the same tenant, a new one for another tenant', async () => {
    const clientId = `order-${Date.now()}`;
    const one = await http('POST', `${s.a.url}/v1/jobs`, {
      key: s.keys.main.key,
      body: chat('Idempotent?', { id: clientId }),
    });
    const two = await http('POST', `${s.b.url}/v1/jobs`, {
      key: s.keys.main.key,
      body: chat('Idempotent?', { id: clientId }),
    });
    expect(one.status).toBe(202);
    expect(two.status).toBe(200);
    expect(two.body['id']).toBe(one.body['id']);
    const byClientId = await http('GET', `${s.b.url}/v1/jobs/${clientId}?wait=20`, { key: s.keys.main.key });
    expect(byClientId.body).toMatchObject({ id: one.body['id'], client_id: clientId, status: 'completed' });
    const other = await http('POST', `${s.a.url}/v1/jobs`, {
      key: s.keys.other.key,
      body: chat('Idempotent?', { id: clientId }),
    });
    expect(other.status).toBe(202);
    expect(other.body['id']).not.toBe(one.body['id']);
  });

  it("answers 404 for another tenant's job", async () => {
    const posted = await http('POST', `${s.a.url}/v1/jobs`, { key: s.keys.main.key, body: chat('Private question') });
    const res = await http('GET', `${s.b.url}/v1/jobs/${posted.body['id'] as string}`, { key: s.keys.other.key });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { type: 'not_found' } });
  });

  it('wakes a ?wait on one replica when the other replica persisted the result (LISTEN/NOTIFY), in both directions', async () => {
    const { key } = s.keys.main;
    const persistedBy = new Map<string, 'a' | 'b'>();
    for (const [name, replica] of [
      ['a', s.a],
      ['b', s.b],
    ] as const) {
      const repo = replica.app.get(JobsRepository);
      const original = repo.complete.bind(repo);
      jest.spyOn(repo, 'complete').mockImplementation(async (result) => {
        const changed = await original(result);
        if (changed) persistedBy.set(result.request_id, name);
        return changed;
      });
    }
    // The answers are held back (the jobs never reach Kafka) until both replicas are waiting.
    const restore = keepOffKafka(s.a, s.b);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const posted = await http('POST', `${(i % 2 ? s.b : s.a).url}/v1/jobs`, { key, body: chat('HOLD') });
      ids.push(posted.body['id'] as string);
    }
    restore();
    const started = Date.now();
    const waits = ids.flatMap((id) =>
      [s.a, s.b].map((r) =>
        http('GET', `${r.url}/v1/jobs/${id}?wait=25`, { key }).then((res) => ({ res, ms: Date.now() - started })),
      ),
    );
    await sleep(1000);
    for (const id of ids)
      await s.pipeline.send({
        request_id: id,
        tenant: s.keys.main.tenant,
        completed_at: new Date().toISOString(),
        ...miss(`held ${id}`),
      });
    const results = await Promise.all(waits);
    for (const { res, ms } of results) {
      expect(res.body['status']).toBe('completed');
      // The fallback re-check runs every 60 s here: an answer within seconds came from a notification.
      expect(ms).toBeLessThan(15000);
    }
    // Every job was persisted by exactly one replica, and the other replica's waiter woke too.
    // (Only this test's jobs count: an earlier test's job may complete late, during this one.)
    const ours = ids.map((id) => persistedBy.get(id));
    expect(ours.filter((by) => by !== undefined)).toHaveLength(ids.length);
    expect(new Set(ours)).toEqual(new Set(['a', 'b']));
    jest.restoreAllMocks();
  });

  it('answers a bounded ?wait with the still-queued job when no result comes', async () => {
    const { key } = s.keys.main;
    const restore = keepOffKafka(s.a);
    const posted = await http('POST', `${s.a.url}/v1/jobs`, { key, body: chat('IGNORE this one') });
    restore();
    const started = Date.now();
    const res = await http('GET', `${s.b.url}/v1/jobs/${posted.body['id'] as string}?wait=2`, { key });
    expect(res.body['status']).toBe('queued');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('fails a job whose result never came as expired (waking waiters), and a late result still completes it', async () => {
    const { key, tenant } = s.keys.main;
    const restore = keepOffKafka(s.a);
    const posted = await http('POST', `${s.a.url}/v1/jobs`, { key, body: chat('IGNORE until expired') });
    restore();
    const id = posted.body['id'] as string;
    const waiting = http('GET', `${s.b.url}/v1/jobs/${id}?wait=20`, { key });
    await sleep(500);
    const expired = await s.a.app
      .get(JobsRepository)
      .expireQueued(0, { code: 'expired', message: 'no result in time', retriable: true }, tenant);
    expect(expired).toContain(id);
    expect((await waiting).body).toMatchObject({ status: 'failed', error: { code: 'expired', retriable: true } });
    await s.pipeline.send({
      request_id: id,
      tenant,
      completed_at: new Date().toISOString(),
      ...miss('late but welcome'),
    });
    // A failed job is terminal for ?wait, so poll until the late result has been stored.
    const deadline = Date.now() + 20000;
    let done = await http('GET', `${s.a.url}/v1/jobs/${id}`, { key });
    while (done.body['status'] !== 'completed' && Date.now() < deadline) {
      await sleep(200);
      done = await http('GET', `${s.a.url}/v1/jobs/${id}`, { key });
    }
    expect(done.body).toMatchObject({ status: 'completed', answer: { content: 'late but welcome' }, error: null });
  });

  it('answers 503 with retry-after when Kafka does not take the request, marks the job failed, and requeues it on resubmission', async () => {
    const { key } = s.keys.main;
    const publisher = s.a.app.get(TopicPublisher);
    jest
      .spyOn(publisher, 'publish')
      .mockRejectedValueOnce(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'));
    const clientId = `retry-${Date.now()}`;
    const res = await http('POST', `${s.a.url}/v1/jobs`, { key, body: chat('Broker down?', { id: clientId }) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body).toMatchObject({ error: { type: 'broker_unavailable', retriable: true } });
    const jobId = (res.body['error'] as Record<string, unknown>)['job_id'] as string;
    const failed = await http('GET', `${s.b.url}/v1/jobs/${jobId}`, { key });
    expect(failed.body).toMatchObject({ status: 'failed', error: { code: 'publish_failed', retriable: true } });
    jest.restoreAllMocks();

    const retried = await http('POST', `${s.a.url}/v1/jobs`, { key, body: chat('Broker down?', { id: clientId }) });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: jobId, status: 'queued' });
    const done = await http('GET', `${s.b.url}/v1/jobs/${jobId}?wait=20`, { key });
    expect(done.body).toMatchObject({ status: 'completed', answer: { content: 'answer to: Broker down?' } });
  });

  it('answers 401 for a missing or unknown key and 403 for the wrong kind of key', async () => {
    const none = await http('POST', `${s.a.url}/v1/jobs`, { body: chat('x') });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({
      error: { type: 'unauthenticated', message: expect.stringContaining('Authorization') },
    });
    expect((await http('GET', `${s.a.url}/v1/jobs/x`, { key: 'dj_not-a-key' })).status).toBe(401);
    const tenantOnAdmin = await http('GET', `${s.a.url}/v1/admin/stats`, { key: s.keys.main.key });
    expect(tenantOnAdmin.status).toBe(403);
    expect(tenantOnAdmin.body).toMatchObject({ error: { type: 'forbidden' } });
    expect((await http('POST', `${s.a.url}/v1/jobs`, { key: ADMIN_KEY, body: chat('x') })).status).toBe(403);
    const viaXApiKey = await http('GET', `${s.a.url}/v1/jobs/nope`, { headers: { 'x-api-key': s.keys.main.key } });
    expect(viaXApiKey.status).toBe(404);
  });

  it('answers 400 with field-level issues for an invalid body', async () => {
    const res = await http('POST', `${s.a.url}/v1/jobs`, {
      key: s.keys.main.key,
      body: { provider: 'mistral', model: 'm', messages: [{ role: 'user', content: 'x' }], deja: { threshold: 3 } },
    });
    expect(res.status).toBe(400);
    const issues = ((res.body['error'] as Record<string, unknown>)['issues'] as Array<{ path: string }>).map(
      (i) => i.path,
    );
    expect(issues).toEqual(expect.arrayContaining(['provider', 'deja.threshold']));
    const broken = await http('POST', `${s.a.url}/v1/jobs`, { key: s.keys.main.key, raw: '{"provider":' });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: { type: 'invalid_request' } });
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await http('POST', `${s.a.url}/v1/jobs`, { key: s.keys.main.key, body: chat('x'.repeat(300 * 1024)) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { type: 'payload_too_large' } });
  });

  it('answers 429 with retry-after when a tenant exceeds its rate limit', async () => {
    const { key } = s.keys.limited;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await http('GET', `${s.a.url}/v1/jobs/none`, { key });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([404, 404, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Other tenants are not affected.
    expect((await http('GET', `${s.a.url}/v1/jobs/none`, { key: s.keys.other.key })).status).toBe(404);
  });

  it('counts jobs by status and outcome for the admin, and refuses a duplicate tenant', async () => {
    const stats = await http('GET', `${s.b.url}/v1/admin/stats?tenant=${s.keys.main.tenant}`, { key: ADMIN_KEY });
    expect(stats.status).toBe(200);
    expect((stats.body['by_status'] as Record<string, number>)['completed']).toBeGreaterThanOrEqual(3);
    expect((stats.body['by_outcome'] as Record<string, number>)['miss']).toBeGreaterThanOrEqual(3);
    expect(stats.body['saved_usd']).toBeGreaterThan(0);
    const dup = await http('POST', `${s.a.url}/v1/admin/tenants`, { key: ADMIN_KEY, body: { id: s.keys.main.tenant } });
    expect(dup.status).toBe(409);
  });

  it('serves the OpenAPI document and UI at /docs', async () => {
    const doc = await http('GET', `${s.a.url}/docs/openapi.json`);
    expect(Object.keys(doc.body['paths'] as object)).toEqual(
      expect.arrayContaining([
        '/v1/jobs',
        '/v1/jobs/{id}',
        '/v1/chat/completions',
        '/v1/messages',
        '/v1/admin/tenants',
      ]),
    );
    const ui = await fetch(`${s.a.url}/docs`);
    expect(ui.status).toBe(200);
  });
});
