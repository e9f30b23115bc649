import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDeja, freePort } from '../integration/embedded/embedded-process';

const ROOT = join(__dirname, '..', '..');

interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  responses: Record<string, unknown>;
  requestBody?: unknown;
}
type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, Record<string, unknown>> };
};

/**
 * Validates with `@seriousme/openapi-schema-validator` (the OpenAPI 3.0/3.1 JSON Schemas). It is
 * an ES module, so it runs in its own Node process rather than through Jest's CommonJS transform.
 */
function validateOpenApi(doc: unknown): { valid: boolean; version: string; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const v = new Validator();
    const r = await v.validate(JSON.parse(text));
    process.stdout.write(JSON.stringify({ valid: r.valid, version: v.version, errors: r.errors }));
  `;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    input: JSON.stringify(doc),
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`validator failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as { valid: boolean; version: string; errors?: unknown };
}

/**
 * A client generated from the document at run time: one function per `operationId` that builds
 * the URL from the path template and the parameters the document declares (an undeclared
 * parameter is an error, as in a generated client), sends the body, and reports whether the
 * status that came back is one the document lists for that operation.
 */
function generateClient(doc: OpenApiDocument, baseUrl: string, key: string) {
  const ops = new Map<string, { method: string; path: string; op: Operation }>();
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) ops.set(op.operationId, { method, path, op });
  return async (
    operationId: string,
    args: { path?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {},
  ): Promise<{ status: number; documented: boolean; body: unknown }> => {
    const found = ops.get(operationId);
    if (!found) throw new Error(`no operation ${operationId} in the document`);
    const declared = (where: string) =>
      new Set((found.op.parameters ?? []).filter((p) => p.in === where).map((p) => p.name));
    const pathParams = declared('path');
    const url = found.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (!pathParams.has(name)) throw new Error(`${operationId}: path parameter {${name}} is not declared`);
      const value = args.path?.[name];
      if (value === undefined) throw new Error(`${operationId}: missing path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const queryParams = declared('query');
    for (const name of Object.keys(args.query ?? {}))
      if (!queryParams.has(name)) throw new Error(`${operationId}: query parameter ${name} is not declared`);
    const qs = new URLSearchParams(args.query ?? {}).toString();
    const res = await fetch(`${baseUrl}${url}${qs ? `?${qs}` : ''}`, {
      method: found.method.toUpperCase(),
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(args.body === undefined ? {} : { body: JSON.stringify(args.body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      documented: String(res.status) in found.op.responses,
      body: text.startsWith('{') ? (JSON.parse(text) as unknown) : text,
    };
  };
}

describe('the OpenAPI document at /docs/openapi.json', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'deja-openapi-'));
  let deja: EmbeddedDeja;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    deja = new EmbeddedDeja(dataDir, await freePort());
    await deja.start();
    doc = (await (await fetch(`${deja.url}/docs/openapi.json`)).json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await deja?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = validateOpenApi(doc);
    expect(result.errors ?? []).toEqual([]);
    expect([result.valid, result.version]).toEqual([true, '3.1']);
  });

  it('declares every templated path parameter', () => {
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
        for (const [, name] of path.matchAll(/\{(\w+)\}/g))
          if (!declared.has(name!)) missing.push(`${method.toUpperCase()} ${path}: {${name}}`);
      }
    expect(missing).toEqual([]);
  });

  it('documents 200 (not 201) for chat completions and messages, and bearer keys that are not JWTs', () => {
    expect(Object.keys(doc.paths['/v1/chat/completions']!['post']!.responses)).toEqual(['200']);
    expect(Object.keys(doc.paths['/v1/messages']!['post']!.responses)).toEqual(['200']);
    expect(doc.components?.securitySchemes?.['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components?.securitySchemes?.['bearer']).not.toHaveProperty('bearerFormat');
  });

  it('drives Deja through a client generated from it: every call answers a documented status', async () => {
    const call = generateClient(doc, deja.url, deja.apiKey);
    const admin = generateClient(doc, deja.url, deja.adminKey);
    const submitted = await call('JobsController_submit', {
      body: { provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Capital of Norway?' }] },
    });
    expect(submitted).toMatchObject({ status: 202, documented: true });
    const id = (submitted.body as { id: string }).id;
    const job = await call('JobsController_get', { path: { id }, query: { wait: '20' } });
    expect(job).toMatchObject({ status: 200, documented: true, body: { status: 'completed' } });
    const chat = await call('OpenAiController_completions', {
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Capital of Norway?' }] },
    });
    expect(chat).toMatchObject({ status: 200, documented: true });
    const messages = await call('AnthropicController_messages', {
      body: { model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(messages).toMatchObject({ status: 200, documented: true });
    expect(await call('ModelsController_list')).toMatchObject({ status: 200, documented: true });
    expect(await call('ModelsController_one', { path: { id: 'gpt-4o-mini' } })).toMatchObject({
      status: 200,
      documented: true,
    });
    expect(await admin('AdminController_stats', { query: { tenant: 'default' } })).toMatchObject({
      status: 200,
      documented: true,
    });
    expect(await admin('AdminController_eraseUser', { path: { tenant: 'default', user: 'nobody' } })).toMatchObject({
      status: 200,
      documented: true,
    });
    // The console's read APIs, with a tenant key and with the admin key.
    const documented = { status: 200, documented: true };
    for (const client of [call, admin]) {
      expect(await client('ConsoleController_session')).toMatchObject(documented);
      expect(await client('ConsoleController_decisions', { query: { outcome: 'miss', limit: '5' } })).toMatchObject(
        documented,
      );
      expect(await client('ConsoleController_decision', { path: { id } })).toMatchObject(documented);
      expect(await client('ConsoleController_entries', { body: { q: 'Norway' } })).toMatchObject(documented);
      expect(await client('ConsoleController_namespaces')).toMatchObject(documented);
      expect(await client('ConsoleController_overview', { query: { window: 'day' } })).toMatchObject(documented);
      expect(await client('ConsoleController_invalidations', { query: { limit: '5' } })).toMatchObject(documented);
    }
    expect(
      await call('ConsoleController_saveNamespace', { path: { namespace: 'openapi' }, body: { ttl_seconds: 60 } }),
    ).toMatchObject(documented);
    expect(
      await call('ConsoleController_retire', { body: { action: 'purge_namespace', namespace: 'openapi' } }),
    ).toMatchObject({ status: 202, documented: true });
  });
});
