import { randomUUID } from 'node:crypto';
import {
  applyDecorators,
  Catch,
  HttpException,
  Injectable,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import type { Request, Response } from 'express';
import { INVALIDATED_V1 } from '@deja/contracts';
import { KafkaModule } from '@deja/data-access-kafka';
import { PostgresModule } from '@deja/data-access-postgres';
import { InvalidationAdminModule } from '@deja/feature-invalidation';
import { testEnv } from '../env';
import { KafkaProbe } from '../support/kafka-probe';
import { ServiceProcess } from '../support/service-process';

/** Stands in for the gateway's admin-key guard: the module must carry whatever guard the app gives it. */
@Injectable()
class TestAdminGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    return ctx.switchToHttp().getRequest<Request>().headers.authorization === 'Bearer test-admin';
  }
}

/** Stands in for the gateway's class-level catch-all filter (GatewayExceptionFilter). */
@Catch()
class CatchAllFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const status = error instanceof HttpException ? error.getStatus() : 500;
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(status)
      .json({ error: { type: 'FROM_APP_FILTER' } });
  }
}

/**
 * The admin routes mounted as the gateway mounts them (its own Kafka and Postgres modules and a
 * guard), publishing to the real Kafka; the real invalidation-service applies what they publish.
 */
describe('invalidation admin routes (mounted in a Nest app, real Kafka, Postgres, invalidation-service)', () => {
  const probe = new KafkaProbe('invalidation-admin-test');
  const service = new ServiceProcess('invalidation-service', 18293);
  const run = randomUUID().slice(0, 8);
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    await probe.start([INVALIDATED_V1]);
    await service.start();
    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaModule.forRoot({
          brokers: testEnv.kafkaBrokers,
          clientId: 'admin-routes-test',
          topicPrefix: testEnv.topicPrefix,
        }),
        PostgresModule.forRoot({
          databaseUrl: testEnv.databaseUrl,
          max: 2,
          applicationName: 'admin-routes-test',
          runMigrations: false,
        }),
        InvalidationAdminModule.forRoot({
          protect: applyDecorators(UseGuards(TestAdminGuard), UseFilters(CatchAllFilter)),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await service.stop();
    await probe.stop();
  });

  const post = (path: string, body: unknown, key = 'test-admin') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
  const get = (path: string, key = 'test-admin') =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });

  async function effectOf(eventId: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 30000;
    for (;;) {
      const res = await get(`/v1/admin/invalidations/${eventId}`);
      if (res.status === 200) return (await res.json()) as Record<string, unknown>;
      expect(res.status).toBe(404);
      if (Date.now() > deadline)
        throw new Error(`event ${eventId} was not applied within 30 s:\n${service.output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it("refuses callers without the key the mounting app requires, through the app's own error filter", async () => {
    const res = await post('/v1/admin/invalidations', { tenant: 'x', action: 'purge_tenant' }, 'tenant-key');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { type: 'FROM_APP_FILTER' } });
    expect((await get('/v1/admin/invalidations/anything', 'tenant-key')).status).toBe(403);
  });

  it('answers 202 with an event id for a document change, and reports its effect once applied', async () => {
    const tenant = `admin-${run}`;
    const res = await post('/v1/admin/doc-changes', { tenant, doc_id: 'handbook', change: 'updated', version: 5 });
    expect(res.status).toBe(202);
    const { event_id } = (await res.json()) as { event_id: string };
    expect(event_id).toMatch(/^[0-9a-f-]{36}$/);
    const effect = await effectOf(event_id);
    expect(effect).toMatchObject({
      event_id,
      effects: [{ tenant, cause: 'doc_change', entries_retired: 0, new_version: 5 }],
    });
    await probe.waitFor(INVALIDATED_V1, (v) => v.event_id === event_id && v.applied === true);
  });

  it('publishes a namespace bump and reports the new version', async () => {
    const tenant = `admin-${run}`;
    const res = await post('/v1/admin/invalidations', {
      tenant,
      action: 'bump_namespace',
      namespace: 'faq',
      requested_by: 'ops@example.com',
    });
    expect(res.status).toBe(202);
    const { event_id } = (await res.json()) as { event_id: string };
    expect(await effectOf(event_id)).toMatchObject({ effects: [{ cause: 'bump_namespace', new_version: 2 }] });
  });

  it('refuses an invalid command with 400 and the field at fault, publishing nothing', async () => {
    const res = await post('/v1/admin/invalidations', { tenant: `admin-${run}`, action: 'purge_document' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; issues: Array<{ path: string }> } };
    expect(body.error).toMatchObject({ type: 'invalid_request', code: 'invalid_request' });
    expect(body.error.issues.map((i) => i.path)).toContain('doc_id');
  });

  it('documents the three routes in OpenAPI, with bodies that do not ask for `at`', () => {
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('test').build());
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/admin/doc-changes',
      '/v1/admin/invalidations',
      '/v1/admin/invalidations/{event_id}',
    ]);
    const body = doc.paths['/v1/admin/doc-changes']!.post!.requestBody as {
      content: Record<string, { schema: { required: string[] } }>;
    };
    expect(body.content['application/json']!.schema.required).not.toContain('at');
  });

  it('answers 404 for an event id that was never applied', async () => {
    const res = await get(`/v1/admin/invalidations/never-${run}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { type: string; code: string } }).error).toMatchObject({
      type: 'not_found',
      code: 'unknown_event',
    });
  });
});
