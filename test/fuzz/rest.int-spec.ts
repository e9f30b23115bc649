import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ServiceProcess, workerOnSimulator } from '../integration/support/service-process';
import { awaitJob, createTenant, healthy, pool, startAll, startGroupsAtLatest, stopAll } from './fuzz-stack';
import { adminInvalidCase, ENDPOINTS, invalidCase, oddCase, validBody, type RestCase } from './rest-inputs';

/**
 * Fuzzes the gateway's REST API with generated bad bodies against the real pipeline (gateway,
 * embedding-service, llm-worker, provider simulator as processes), interleaved with valid jobs.
 */
describe('REST fuzz: gateway', () => {
  const run = randomUUID().slice(0, 8);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const prefix = `deja-fuzz-rest-${run}`;
  const ports = { sim: 18520, embedding: 18521, worker: 18522, gateway: 18523 };
  const adminKey = `fuzz-admin-key-${run}-0123456789`;
  const bodyLimit = 256 * 1024;
  const common = { KAFKA_GROUP_PREFIX: prefix, LOG_LEVEL: 'warn' };
  const sim = new ServiceProcess('provider-simulator', ports.sim, { SIM_LATENCY_SCALE: '0', ...common });
  const embedding = new ServiceProcess('embedding-service', ports.embedding, common);
  const worker = workerOnSimulator(ports.worker, ports.sim, common);
  const gateway = new ServiceProcess('gateway', ports.gateway, {
    ...common,
    DEJA_ADMIN_KEY: adminKey,
    DEJA_KEY_SECRET: 'fuzz-key-secret-0123456789abcdef',
    BODY_LIMIT_BYTES: String(bodyLimit),
    COMPAT_WAIT_SECONDS: '60',
  });
  const services = [sim, embedding, worker, gateway];
  const gw = `http://127.0.0.1:${ports.gateway}`;
  const victimTenant = `fuzz-victim-${run}`;
  const attackerTenant = `fuzz-attacker-${run}`;
  let victimKey = '';
  let attackerKey = '';
  let counter = 0;
  const nonce = () => `${run}-${counter++}`;

  beforeAll(async () => {
    await startGroupsAtLatest(prefix, ['gateway', 'embedding-service', 'llm-worker']);
    await startAll(services);
    victimKey = await createTenant(gw, adminKey, victimTenant);
    attackerKey = await createTenant(gw, adminKey, attackerTenant);
  }, 240_000);

  afterAll(async () => {
    await stopAll(services);
  });

  interface Sent {
    c: RestCase;
    status: number;
    json: unknown;
    text: string;
  }

  async function send(c: RestCase, key = attackerKey): Promise<Sent> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...(c.extraHeaders ?? {}) };
    if (c.contentType !== null) headers['content-type'] = c.contentType;
    const res = await fetch(`${gw}${c.path}`, { method: 'POST', headers, body: c.body });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { c, status: res.status, json, text };
  }

  /** The error object of a gateway error body, in any dialect, with Deja's code as `code`. */
  function errorOf(s: Sent): { code?: unknown; message?: unknown } | undefined {
    const body = s.json as { error?: { code?: unknown; deja_code?: unknown; message?: unknown } } | undefined;
    if (!body || typeof body !== 'object' || !body.error) return undefined;
    // Anthropic's envelope has no `code`: Deja's code is its `deja_code` there.
    return { ...body.error, code: body.error.deja_code ?? body.error.code };
  }

  function describeCase(s: Sent): string {
    const body = Buffer.isBuffer(s.c.body) ? `<${s.c.body.length} bytes>` : s.c.body.slice(0, 200);
    return `${s.c.path} [${s.c.kind}] ${s.c.contentType ?? '(no content-type)'} → ${s.status} ${s.text.slice(0, 200)} | body: ${body}`;
  }

  const validJobIds: string[] = [];
  const acceptedOddJobs: string[] = [];
  const counts = { invalid: 0, odd: 0, valid: 0, oversized: 0, admin: 0 };

  it('refuses every certainly-invalid body with a 4xx JSON error — never a 5xx — while valid jobs interleaved are accepted', async () => {
    const perEndpoint = 3_200;
    const cases: RestCase[] = [];
    for (const [i, path] of ENDPOINTS.entries())
      cases.push(...fc.sample(invalidCase(path, victimTenant), { numRuns: perEndpoint, seed: seed + i }));
    // Valid jobs interleaved with the garbage: every one must be accepted now and complete later.
    const mixed: Array<RestCase | 'valid'> = [];
    cases.forEach((c, i) => {
      mixed.push(c);
      if (i % 40 === 0) mixed.push('valid');
    });
    const failures: string[] = [];
    await pool(mixed, 12, async (c) => {
      if (c === 'valid') {
        const res = await fetch(`${gw}/v1/jobs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${attackerKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(validBody('/v1/jobs', `valid interleaved question ${nonce()}`)),
        });
        const body = (await res.json()) as { id?: string };
        if (res.status !== 202 || !body.id) failures.push(`valid job refused: ${res.status} ${JSON.stringify(body)}`);
        else validJobIds.push(body.id);
        counts.valid++;
        return;
      }
      const s = await send(c);
      counts.invalid++;
      const error = errorOf(s);
      if (
        s.status < 400 ||
        s.status >= 500 ||
        !error ||
        typeof error.code !== 'string' ||
        typeof error.message !== 'string'
      )
        failures.push(describeCase(s));
    });
    expect({ seed, failures: failures.slice(0, 20), failed: failures.length }).toEqual({
      seed,
      failures: [],
      failed: 0,
    });
    expect(counts.invalid).toBeGreaterThanOrEqual(3 * perEndpoint);
  }, 300_000);

  it('answers bodies over the size limit with 413 payload_too_large in JSON', async () => {
    const sizes = fc.sample(fc.integer({ min: bodyLimit + 1, max: bodyLimit * 3 }), { numRuns: 30, seed });
    const failures: string[] = [];
    await pool(sizes, 4, async (n, i) => {
      const path = ENDPOINTS[i % ENDPOINTS.length];
      const s = await send({
        path,
        contentType: 'application/json',
        body: JSON.stringify(validBody(path, 'x'.repeat(n))),
        kind: 'oversized',
        expect: 'invalid',
      });
      counts.oversized++;
      if (s.status !== 413 || errorOf(s)?.code !== 'payload_too_large') failures.push(describeCase(s));
    });
    expect(failures).toEqual([]);
  });

  it('never 5xxes on odd but parseable bodies (raw invalid UTF-8, scope-spoofing text and headers, long text), and completes what it accepts', async () => {
    const cases: RestCase[] = [];
    for (const [i, path] of ENDPOINTS.entries())
      cases.push(
        ...fc.sample(oddCase(path, victimTenant, nonce), {
          numRuns: path === '/v1/jobs' ? 150 : 40,
          seed: seed + 10 + i,
        }),
      );
    const failures: string[] = [];
    await pool(cases, 8, async (c) => {
      const s = await send(c);
      counts.odd++;
      if (s.status >= 500 || s.json === undefined) failures.push(describeCase(s));
      else if (s.status >= 400 && !errorOf(s)) failures.push(`4xx without an error object: ${describeCase(s)}`);
      else if (c.path === '/v1/jobs' && s.status === 202) acceptedOddJobs.push((s.json as { id: string }).id);
    });
    expect({ seed, failures: failures.slice(0, 20) }).toEqual({ seed, failures: [] });
  }, 300_000);

  it('completes every accepted job (no accepted data lost)', async () => {
    const deadline = Date.now() + 120_000;
    const ids = [...validJobIds, ...acceptedOddJobs];
    expect(validJobIds.length).toBeGreaterThan(100);
    const states = await pool(ids, 16, (id) => awaitJob(gw, attackerKey, id, deadline));
    const notCompleted = states
      .filter((s) => s.status !== 'completed')
      .map((s) => `${s.id}: ${s.status} ${JSON.stringify(s.error)}`);
    expect(notCompleted).toEqual([]);
  }, 180_000);

  it('refuses admin invalidation requests with text Postgres cannot store as 400 naming the field — never 202, 5xx', async () => {
    const cases = fc.sample(adminInvalidCase(attackerTenant), { numRuns: 300, seed: seed + 20 });
    const failures: string[] = [];
    await pool(cases, 8, async (c) => {
      const res = await fetch(`${gw}${c.path}`, {
        method: c.method,
        headers: { authorization: `Bearer ${adminKey}`, ...(c.body ? { 'content-type': 'application/json' } : {}) },
        body: c.body,
      });
      const text = await res.text();
      counts.admin++;
      const field = c.kind.split(':')[1];
      const error = (JSON.parse(text) as { error?: { code?: string; issues?: Array<{ path: string }> } }).error;
      const named = field === undefined || (error?.issues ?? []).some((i) => i.path === field);
      if (res.status !== 400 || error?.code !== 'invalid_request' || !named)
        failures.push(`${c.method} ${c.path} [${c.kind}] → ${res.status} ${text.slice(0, 200)}`);
    });
    expect({ seed, failures: failures.slice(0, 20) }).toEqual({ seed, failures: [] });
  });

  it("never answers one tenant from another tenant's cache, whatever the request claims", async () => {
    const namespace = `fuzz-shared-${run}`;
    const questions = Array.from({ length: 15 }, (_, i) => `Which port does service number ${i} of ${run} listen on?`);
    const submit = async (
      key: string,
      q: string,
      extra: { headers?: Record<string, string>; deja?: Record<string, unknown>; system?: string } = {},
    ) => {
      const res = await fetch(`${gw}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(extra.headers ?? {}) },
        body: JSON.stringify({
          ...validBody('/v1/jobs', q),
          ...(extra.system ? { system: extra.system } : {}),
          deja: { namespace, ...(extra.deja ?? {}) },
        }),
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    };
    const deadline = Date.now() + 90_000;
    // The victim stores an answer for each question; asking again is an exact hit (the cache works here).
    const stored = await pool(questions, 8, async (q) => awaitJob(gw, victimKey, await submit(victimKey, q), deadline));
    expect(stored.map((s) => s.status)).toEqual(questions.map(() => 'completed'));
    const again = await awaitJob(gw, victimKey, await submit(victimKey, questions[0]), deadline);
    expect(again.cache?.outcome).toBe('hit');

    // The attacker asks the same questions in the same namespace, never storing, with spoofed claims.
    const spoofs = fc.sample(
      fc.record({
        q: fc.constantFrom(...questions),
        headers: fc.constantFrom<Record<string, string>>(
          {},
          { 'x-deja-tenant': victimTenant },
          { 'x-tenant-id': victimTenant },
          { 'x-deja-user': victimTenant },
        ),
        user: fc.constantFrom(undefined, victimTenant),
      }),
      { numRuns: 60, seed },
    );
    const results = await pool(spoofs, 8, async (s) =>
      awaitJob(
        gw,
        attackerKey,
        await submit(attackerKey, s.q, {
          headers: s.headers,
          deja: { store: false, ...(s.user ? { user: s.user } : {}) },
        }),
        deadline,
      ),
    );
    expect(results.map((r) => r.status)).toEqual(spoofs.map(() => 'completed'));
    expect(results.filter((r) => r.cache?.outcome === 'hit')).toEqual([]);
  }, 240_000);

  it('stays up: /health answers 200 on every service afterwards, and the processes never crashed', async () => {
    for (const port of Object.values(ports)) expect(await healthy(port)).toBe(true);
    for (const s of services) expect(s.output).not.toMatch(/crashed|"level":"fatal"|Unhandled/);
    // The counts the fuzz run reached (read by docs/reliability.md).
    expect(counts.invalid + counts.odd + counts.oversized + counts.admin).toBeGreaterThanOrEqual(10_000);
  });
});
