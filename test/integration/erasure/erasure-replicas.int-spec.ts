import { randomUUID } from 'node:crypto';
import { ServiceProcess } from '../support/service-process';

/**
 * Issue 19, item 6: a tenant erased through one gateway replica is refused at once by every
 * other replica. Each replica remembers resolved keys for 30 s; before the erasure was sent to
 * the others (`NOTIFY deja_tenants` with its commit), replica B kept accepting the erased
 * tenant's key until that ran out. Two gateway processes on the one database, as in production.
 */
describe('erasure across gateway replicas (two gateway processes, real Postgres)', () => {
  const run = randomUUID().slice(0, 8);
  const adminKey = `erasure-admin-key-${run}-0123456789`;
  const env = {
    DEJA_ADMIN_KEY: adminKey,
    DEJA_KEY_SECRET: 'erasure-replicas-key-secret-0123456789',
    LOG_LEVEL: 'warn',
  };
  const a = new ServiceProcess('gateway', 18620, env);
  const b = new ServiceProcess('gateway', 18621, env);
  const url = (g: ServiceProcess) => `http://127.0.0.1:${g.port}`;
  const call = async (g: ServiceProcess, method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(`${url(g)}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
  };

  beforeAll(async () => {
    // One after the other: two gateways migrating the database at the same moment make one exit
    // with 'Another migration is already running' (node-pg-migrate's lock does not wait).
    await a.start();
    await b.start();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it('refuses the erased tenant’s key on the other replica with the very next request', async () => {
    const tenant = `erase-replicas-${run}`;
    const created = await call(a, 'POST', '/v1/admin/tenants', adminKey, { id: tenant });
    expect(created.status).toBe(201);
    const key = String(created.body!['api_key']);
    const unknownJob = `/v1/jobs/${randomUUID()}`;
    // B resolves the key and remembers it (an unknown job of a known tenant: 404, not 401).
    expect((await call(b, 'GET', unknownJob, key)).status).toBe(404);
    expect((await call(b, 'GET', unknownJob, key)).status).toBe(404);

    expect((await call(a, 'DELETE', `/v1/admin/tenants/${tenant}`, adminKey)).status).toBe(200);

    // No waiting: the next request on B is already refused, as on A.
    const onB = await call(b, 'GET', unknownJob, key);
    expect({ status: onB.status, code: (onB.body?.['error'] as { code?: string } | undefined)?.code }).toEqual({
      status: 401,
      code: 'unauthenticated',
    });
    expect((await call(a, 'GET', unknownJob, key)).status).toBe(401);
  });
});
