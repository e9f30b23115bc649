import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDeja, freePort } from './embedded-process';

/**
 * The embedded app as `npm start` runs it — one process, the in-process bus and PGlite in a
 * temporary data folder, the provider simulator — driven over its public HTTP API.
 */
jest.setTimeout(600_000);

type Job = {
  id: string;
  status: string;
  answer?: { content: string; simulated: boolean };
  cache?: { outcome: string; entry_id: string | null };
};

const job = (question: string, id?: string) => ({
  ...(id ? { id } : {}),
  provider: 'openai',
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: question }],
});

describe('embedded mode', () => {
  const dirs: string[] = [];
  const apps: EmbeddedDeja[] = [];
  const newApp = async (dataDir?: string, env: Record<string, string> = {}) => {
    const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'deja-embedded-'));
    if (!dataDir) dirs.push(dir);
    const app = new EmbeddedDeja(dir, await freePort(), env);
    apps.push(app);
    await app.start();
    return app;
  };
  afterAll(async () => {
    for (const a of apps) await a.stop('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('answers a question through the simulated provider, then its paraphrase from the cache', async () => {
    const deja = await newApp();
    expect(deja.output).toContain(`${deja.url}/docs`);

    const submitted = await deja.request('POST', '/v1/jobs', job('How do I reset my password?'));
    expect(submitted.status).toBe(202);
    const first = (await deja.request('GET', `/v1/jobs/${String(submitted.body.id)}?wait=30`)).body as Job;
    expect(first).toMatchObject({ status: 'completed', cache: { outcome: 'miss' }, answer: { simulated: true } });
    expect(first.answer?.content).toMatch(/^Simulated answer to: How do I reset my password\?/);

    const paraphrase = await deja.ask('What is the way to reset my password?');
    expect(paraphrase.status).toBe(200);
    expect(paraphrase.headers.get('x-deja-cache')).toBe('hit');
    expect(paraphrase.headers.get('x-deja-tier')).toBe('semantic');
    expect(paraphrase.headers.get('x-deja-entry')).toBe(first.cache?.entry_id);
    const choices = paraphrase.body.choices as Array<{ message: { content: string } }>;
    expect(choices[0]?.message.content).toBe(first.answer?.content);
    await deja.stop();
  });

  it('applies a purge from the admin route (published inside its transaction) and stops serving the purged answer', async () => {
    const deja = await newApp();
    expect((await deja.ask('Which ports does the agent need open?')).headers.get('x-deja-cache')).toBe('miss');
    expect((await deja.ask('Which ports does the agent need open?')).headers.get('x-deja-cache')).toBe('hit');
    const purge = await deja.request(
      'POST',
      '/v1/admin/invalidations',
      { tenant: 'default', action: 'purge_tenant' },
      deja.adminKey,
    );
    expect(purge.status).toBe(202);
    const eventId = String(purge.body.event_id);
    const deadline = Date.now() + 30_000;
    let applied = await deja.request('GET', `/v1/admin/invalidations/${eventId}`, undefined, deja.adminKey);
    while (applied.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      applied = await deja.request('GET', `/v1/admin/invalidations/${eventId}`, undefined, deja.adminKey);
    }
    expect(applied.status).toBe(200);
    const after = await deja.ask('Which ports does the agent need open?');
    expect(after.status).toBe(200);
    expect(after.headers.get('x-deja-cache')).toBe('miss');
    await deja.stop();
  });

  it('loses no accepted job and no stored entry when killed mid-workload and started again', async () => {
    // Slow simulated provider calls, so the kill lands while misses are in flight.
    const env = { SIM_LATENCY_SCALE: '1' };
    const deja = await newApp(undefined, env);
    const questions = Array.from(
      { length: 16 },
      (_, i) => `What is the shipping cost to zone ${i + 1} for order type ${String.fromCharCode(65 + i)}?`,
    );
    const ids: string[] = [];
    for (const [i, q] of questions.entries()) {
      const r = await deja.request('POST', '/v1/jobs', job(q, `crash-${i}`));
      expect(r.status).toBe(202);
      ids.push(String(r.body.id));
    }
    // Wait for a few answers, so some entries are stored and some jobs are still in flight.
    const done = new Map<string, Job>();
    const deadline = Date.now() + 120_000;
    while (done.size < 3 && Date.now() < deadline) {
      for (const id of ids) {
        if (done.has(id)) continue;
        const r = await deja.request('GET', `/v1/jobs/${id}`);
        expect(r.status).toBe(200);
        const j = r.body as Job;
        if (j.status !== 'queued') done.set(id, j);
      }
      await new Promise((r) => setTimeout(r, 250)); // polite polling: the gateway rate-limits the tenant
    }
    expect(done.size).toBeGreaterThanOrEqual(3);
    for (const j of done.values())
      expect(j).toMatchObject({ status: 'completed', cache: { entry_id: expect.any(String) } });
    expect(done.size).toBeLessThan(ids.length);
    await deja.stop('SIGKILL');

    const again = new EmbeddedDeja(deja.dataDir, await freePort(), env);
    apps.push(again);
    await again.start();
    for (const id of ids) {
      const j = (await again.request('GET', `/v1/jobs/${id}?wait=30`)).body as Job;
      expect({ id, status: j.status, simulated: j.answer?.simulated }).toEqual({
        id,
        status: 'completed',
        simulated: true,
      });
    }
    // Entries stored before the crash still answer, from the same entry.
    for (const [id, before] of done) {
      const q = questions[ids.indexOf(id)]!;
      const r = await again.ask(q);
      expect(r.headers.get('x-deja-cache')).toBe('hit');
      expect(r.headers.get('x-deja-entry')).toBe(before.cache?.entry_id);
    }
    await again.stop();
  });
});
