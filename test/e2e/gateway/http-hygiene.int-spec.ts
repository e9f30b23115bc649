import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobsRepository } from '@deja/data-access-jobs';
import { configureGatewayHttp, gatewayInfrastructure, GatewayModule } from '@deja/feature-gateway';
import { ADMIN_KEY, gatewayOptions, http, infrastructure, miss, storeJob } from './harness';

/** What a raw HTTP exchange gave: the first bytes answered and when the socket closed. */
interface RawExchange {
  response: string;
  closedAfterMs: number;
}

/**
 * Sends `head`, then `chunk` every `everyMs` (never finishing the body), and reports what the
 * server answered and when it closed the connection (or `null` after `giveUpMs`).
 */
function trickle(port: number, head: string, chunk: string, everyMs: number, giveUpMs: number): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    let response = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    const timer = setInterval(() => socket.writable && socket.write(chunk), everyMs);
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('data', (d) => (response += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ response, closedAfterMs: Date.now() - started });
    });
  });
}

/** A request whose body never finishes: it holds its place until `close()`. */
function held(port: number, key: string): Promise<{ close: () => void }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 400000\r\n\r\n{"a":"',
      );
      // Long enough for the gateway to have admitted it.
      setTimeout(() => resolve({ close: () => socket.destroy() }), 300);
    });
    socket.on('error', () => undefined);
  });
}

describe('gateway HTTP hygiene (real Postgres and Kafka, no pipeline)', () => {
  let app: INestApplication;
  let url: string;
  let port: number;
  let tenant: string;
  let key: string;

  beforeAll(async () => {
    const options = gatewayOptions({
      httpTimeouts: { headersMs: 2000, requestMs: 3000 },
      inFlightLimit: { requests: 2, bytes: 1_000_000 },
    });
    const root: DynamicModule = {
      module: class HttpHygieneRoot {},
      imports: [...gatewayInfrastructure(infrastructure), GatewayModule.forRoot(options)],
    };
    app = await NestFactory.create(root, { logger: ['fatal', 'error'], abortOnError: false });
    configureGatewayHttp(app, options);
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
    const created = await http('POST', `${url}/v1/admin/tenants`, {
      key: ADMIN_KEY,
      body: { id: `e2e-hygiene-${randomUUID().slice(0, 8)}` },
    });
    tenant = created.body['tenant'] as string;
    key = created.body['api_key'] as string;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('sends no X-Powered-By and says nosniff, on errors and on success', async () => {
    for (const res of [await fetch(`${url}/v1/jobs/x`), await fetch(`${url}/docs/openapi.json`)]) {
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses an unknown key with 401 before reading the body (answers while the body is still unsent)', async () => {
    const head =
      'POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer dj_not_a_key_0123456789\r\n' +
      'Content-Type: application/json\r\nContent-Length: 1900000\r\n\r\n{"a":"';
    const r = await trickle(port, head, 'x', 1000, 2500);
    expect(r.response).toMatch(/^HTTP\/1\.1 401 /);
    expect(r.response).toContain('"code":"unauthenticated"');
  });

  it('closes a request whose body trickles in, within seconds of the request timeout (Node: 300 s)', async () => {
    const head =
      `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{';
    const r = await trickle(port, head, ' ', 500, 10_000);
    expect(r.closedAfterMs).toBeLessThan(6000);
    expect(r.response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a client trickling its headers', async () => {
    const r = await trickle(port, 'GET /v1/jobs/x HTTP/1.1\r\nHost: x\r\n', 'X-A: b\r\n', 500, 10_000);
    expect(r.closedAfterMs).toBeLessThan(5000);
  });

  it("hides a miss's nearest similarity from the tenant; the admin's debug view shows it", async () => {
    const repo = app.get(JobsRepository);
    const job = await storeJob(repo, tenant, 'gpt-4o-mini', 'q');
    const result = miss('an answer');
    await repo.complete({
      ...result,
      cache: { ...result.cache, similarity: 0.9123, threshold: 0.96 },
      request_id: job.id,
      tenant,
      completed_at: new Date().toISOString(),
      saved_usage: { input_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 0 },
      warnings: [],
    });

    const mine = await http('GET', `${url}/v1/jobs/${job.id}`, { key });
    expect(mine.status).toBe(200);
    expect(mine.body['cache']).toMatchObject({ outcome: 'miss', similarity: null });
    expect(mine.headers.get('x-deja-similarity')).toBeNull();
    expect(mine.headers.get('x-deja-cache')).toBe('miss');

    const debug = await http('GET', `${url}/v1/admin/tenants/${tenant}/jobs/${job.id}`, { key: ADMIN_KEY });
    expect(debug.status).toBe(200);
    expect(debug.body['cache']).toMatchObject({ outcome: 'miss', similarity: 0.9123 });
    expect(debug.headers.get('x-deja-similarity')).toBe('0.9123');
    expect((await http('GET', `${url}/v1/admin/tenants/${tenant}/jobs/${job.id}`, { key })).status).toBe(403);
  });

  it("limits one tenant's requests in flight (429, retry-after) and leaves another tenant's alone", async () => {
    const other = await http('POST', `${url}/v1/admin/tenants`, {
      key: ADMIN_KEY,
      body: { id: `e2e-hygiene-other-${randomUUID().slice(0, 8)}` },
    });
    const otherKey = other.body['api_key'] as string;
    const body = {
      provider: 'openai',
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      deja: { threshold: 0.1 },
    };
    const slots = [await held(port, key), await held(port, key)];
    try {
      const refused = await http('POST', `${url}/v1/jobs`, { key, body });
      expect(refused.status).toBe(429);
      expect(refused.body['error']).toMatchObject({ code: 'rate_limited', retriable: true });
      expect(refused.headers.get('retry-after')).toBe('1');
      // Another tenant is not held back (its request reaches validation: 400 for the threshold).
      expect((await http('POST', `${url}/v1/jobs`, { key: otherKey, body })).status).toBe(400);
    } finally {
      for (const s of slots) s.close();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await http('POST', `${url}/v1/jobs`, { key, body })).status).toBe(400);
  });
});
