import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OpsModule } from './ops.module';

async function start(metricsToken?: string): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(OpsModule.forRoot({ service: 'ops-spec', checks: [], metricsToken }), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/metrics` };
}

describe('/metrics behind DEJA_METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789abcdef';
  let s: { app: INestApplication; url: string };
  afterEach(async () => {
    await s?.app.close();
  });

  it('refuses a scrape without the token, or with a wrong one, with 401 and a Bearer challenge', async () => {
    s = await start(token);
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-0123456789abcd' },
      { authorization: token },
    ];
    for (const headers of attempts) {
      const res = await fetch(s.url, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain('process_cpu');
    }
  });

  it('answers a scrape with `Authorization: Bearer <token>` in the Prometheus text format', async () => {
    s = await start(token);
    const res = await fetch(s.url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('process_cpu_user_seconds_total');
  });

  it('stays open without a token (local use)', async () => {
    s = await start();
    expect((await fetch(s.url)).status).toBe(200);
  });
});
