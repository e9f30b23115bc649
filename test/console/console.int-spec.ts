import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { EmbeddedDeja, freePort } from '../integration/embedded/embedded-process';
import { launchBrowser } from './browser';

/**
 * The Deja Console in a real browser (Debian's chromium through playwright-core) against the
 * embedded app as `npm start` runs it: questions go in through the API, and the console must show
 * what the cache did, retire an answer, change a namespace's rule, and keep tenants apart.
 */
jest.setTimeout(600_000);

const NS = 'console-e2e';
const QUESTION = 'How do I reset my password?';
const PARAPHRASE = 'What is the way to reset my password?';

type Api = Awaited<ReturnType<EmbeddedDeja['request']>>;

describe('Deja Console (browser)', () => {
  let deja: EmbeddedDeja;
  let browser: Browser;
  let dataDir: string;
  let other: { tenant: string; api_key: string };

  const ask = (question: string, key = deja.apiKey, namespace = NS): Promise<Api> =>
    deja.request(
      'POST',
      '/v1/chat/completions',
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], deja: { namespace } },
      key,
    );

  /** A fresh browser context (its own sessionStorage), signed in with `key`. */
  async function signIn(key: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${deja.url}/console`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Decisions' }).waitFor();
    return page;
  }

  /** Polls until `check` holds (the pipeline applies purges asynchronously). */
  async function eventually<T>(probe: () => Promise<T>, check: (v: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const v = await probe();
      if (check(v)) return v;
      if (Date.now() > deadline) throw new Error(`not reached within 30 s: ${what}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    dataDir = mkdtempSync(join(tmpdir(), 'deja-console-'));
    deja = new EmbeddedDeja(dataDir, await freePort());
    await deja.start();
    const created = await deja.request('POST', '/v1/admin/tenants', { id: 'other' }, deja.adminKey);
    expect(created.status).toBe(201);
    other = created.body as typeof other;
  });
  afterAll(async () => {
    await browser?.close();
    await deja?.stop('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the console at /console with a content security policy and prints its URL at start', async () => {
    const res = await fetch(`${deja.url}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(deja.output).toContain(`${deja.url}/console`);
  });

  it('shows a question and its paraphrase in Decisions with their tiers, and why the paraphrase hit', async () => {
    expect((await ask(QUESTION)).headers.get('x-deja-cache')).toBe('miss');
    const hit = await ask(PARAPHRASE);
    expect(hit.headers.get('x-deja-tier')).toBe('semantic');

    const page = await signIn(deja.apiKey);
    await expect(page.getByTestId('tenant').textContent()).resolves.toBe('default');
    const row = (q: string) => page.locator('tbody tr', { has: page.getByRole('link', { name: q, exact: true }) });
    await row(PARAPHRASE).waitFor();
    await expect(row(PARAPHRASE).getAttribute('data-outcome')).resolves.toBe('hit');
    await expect(row(PARAPHRASE).getAttribute('data-tier')).resolves.toBe('semantic');
    await expect(row(QUESTION).getAttribute('data-outcome')).resolves.toBe('miss');

    await page.getByRole('link', { name: PARAPHRASE, exact: true }).click();
    await expect(page.getByTestId('why-outcome').textContent()).resolves.toBe('hit');
    await expect(page.getByTestId('why-question').textContent()).resolves.toBe(PARAPHRASE);
    await expect(page.getByTestId('why-matched').textContent()).resolves.toBe(QUESTION);
    // Prompts never travel in the URL: only the request id does.
    expect(page.url()).not.toContain('reset');
    await page.context().close();
  });

  it('shows the nearest candidates of a decision in the why view, to the admin key', async () => {
    const admin = await signIn(deja.adminKey);
    await admin.getByRole('link', { name: PARAPHRASE, exact: true }).first().click();
    const served = admin.getByTestId('why-candidates').locator('tr', { hasText: QUESTION });
    await served.waitFor();
    await expect(served.locator('td').nth(4).textContent()).resolves.toBe('yes');
    const similarity = Number(await served.locator('td').nth(1).textContent());
    expect(similarity).toBeGreaterThan(0.5);
    expect(similarity).toBeLessThan(1);
    await admin.context().close();

    // A tenant key sees the stored question it was served from, not the candidates' list.
    const page = await signIn(deja.apiKey);
    await page.getByRole('link', { name: PARAPHRASE, exact: true }).click();
    await page.getByText('Near candidates are shown with the admin key').waitFor();
    expect(await page.getByTestId('why-candidates').count()).toBe(0);
    await page.context().close();
  });

  it('answers the day and week Overview from the same requests as the hour', async () => {
    const read = async (window: string) => {
      const res = await deja.request(
        'GET',
        `/v1/console/overview?window=${window}&namespace=${NS}`,
        undefined,
        deja.apiKey,
      );
      expect(res.status).toBe(200);
      return (res.body as { totals: { requests: number; semantic_hits: number } }).totals;
    };
    const hour = await read('hour');
    expect(hour.requests).toBeGreaterThanOrEqual(2);
    expect(hour.semantic_hits).toBeGreaterThanOrEqual(1);
    await expect(read('day')).resolves.toEqual(hour);
    await expect(read('week')).resolves.toEqual(hour);
  });

  it('refuses an entry search of one or two characters, which no trigram index can answer', async () => {
    const short = await deja.request('POST', '/v1/console/entries/search', { q: 'pa' }, deja.apiKey);
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain('at least 3 characters');
    const found = await deja.request('POST', '/v1/console/entries/search', { q: 'PASSWORD' }, deja.apiKey);
    expect(found.status).toBe(200);
    expect((found.body as { entries: { question: string }[] }).entries.map((e) => e.question)).toContain(QUESTION);
  });

  it('retires the entry from the Entries page, after which the paraphrase misses', async () => {
    const page = await signIn(deja.apiKey);
    await page.getByRole('link', { name: 'Entries' }).click();
    await page.getByLabel('Namespace').fill(NS);
    await page.getByLabel('Question contains').fill('reset my password');
    await page.getByRole('button', { name: 'Search' }).click();
    const entry = page.locator('tbody tr', { hasText: QUESTION });
    await entry.waitFor();
    await entry.getByRole('button', { name: 'Retire' }).click();
    await entry.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: 'Retiring the entry' }).waitFor();

    // The audit stream shows the purge once the invalidation-service has applied it.
    await page.getByRole('link', { name: 'Invalidations' }).click();
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return page.locator('tbody tr', { hasText: 'purge_entry' }).count();
      },
      (n) => n === 1,
      'the purge_entry record on the Invalidations page',
    );
    await expect(page.locator('tbody tr', { hasText: 'purge_entry' }).locator('td').nth(3).textContent()).resolves.toBe(
      '1',
    );
    expect((await ask(PARAPHRASE)).headers.get('x-deja-cache')).toBe('miss');
    await page.context().close();
  });

  it('refuses a namespace threshold out of bounds next to its field, and applies a valid one to the next ask', async () => {
    const page = await signIn(deja.apiKey);
    await page.getByRole('link', { name: 'Namespaces' }).click();
    const form = page.getByRole('form', { name: `Settings of ${NS}` });
    await form.getByLabel('Threshold').fill('0.5');
    await form.getByRole('button', { name: `Save the settings of ${NS}` }).click();
    const fieldError = form.locator('[data-field-error="threshold"]');
    await expect(fieldError.filter({ hasText: 'outside' }).textContent()).resolves.toContain(
      '0.5 is outside [0.85, 1]',
    );
    await expect(form.getByLabel('Threshold').getAttribute('aria-invalid')).resolves.toBe('true');

    await form.getByLabel('Threshold').fill('1');
    await form.getByRole('button', { name: `Save the settings of ${NS}` }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await expect(fieldError.textContent()).resolves.toBe('');

    // The nearest stored question is a close paraphrase, yet the namespace's threshold of 1 admits no semantic hit.
    const next = await ask('How can I reset my password?');
    expect(next.headers.get('x-deja-cache')).toBe('miss');
    expect(next.headers.get('x-deja-threshold')).toBe('1.0000');
    const debug = await deja.request(
      'GET',
      `/v1/admin/tenants/default/jobs/${next.headers.get('x-deja-job-id')}`,
      undefined,
      deja.adminKey,
    );
    expect((debug.body.cache as { similarity: number }).similarity).toBeGreaterThan(0.9);
    await page.context().close();
  });

  it("keeps a tenant's key from another tenant's data, in the API and in the console", async () => {
    const secret = 'What is the launch date of project Nightingale?';
    expect((await ask(secret, other.api_key, 'private')).status).toBe(200);
    const theirs = await deja.request('GET', '/v1/console/decisions', undefined, other.api_key);
    const theirId = (theirs.body.decisions as Array<{ id: string; question: string }>).find(
      (d) => d.question === secret,
    )!.id;

    // API: asking for the other tenant is refused; its request id is not found; lists hold only our own.
    expect((await deja.request('GET', '/v1/console/decisions?tenant=other', undefined, deja.apiKey)).status).toBe(403);
    expect((await deja.request('GET', `/v1/console/decisions/${theirId}`, undefined, deja.apiKey)).status).toBe(404);
    const ours = await deja.request('GET', '/v1/console/decisions?limit=200', undefined, deja.apiKey);
    expect((ours.body.decisions as Array<{ tenant: string }>).every((d) => d.tenant === 'default')).toBe(true);
    const entries = await deja.request('POST', '/v1/console/entries/search', { q: 'Nightingale' }, deja.apiKey);
    expect(entries.body).toEqual({ entries: [] });
    const retire = await deja.request(
      'POST',
      '/v1/console/retire',
      { tenant: 'other', action: 'purge_namespace', namespace: 'private' },
      deja.apiKey,
    );
    expect(retire.status).toBe(403);

    // Console: the default tenant's pages never show it; the other tenant's and the admin's do.
    const page = await signIn(deja.apiKey);
    await page.locator('tbody tr').first().waitFor();
    for (const link of ['Decisions', 'Entries', 'Namespaces']) {
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: link }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.locator('main').textContent()).not.toContain('Nightingale');
      expect(await page.locator('main').textContent()).not.toContain('private');
    }
    await page.context().close();

    const theirPage = await signIn(other.api_key);
    await theirPage.getByRole('link', { name: secret }).waitFor();
    expect(await theirPage.locator('main').textContent()).not.toContain(QUESTION);
    await theirPage.context().close();

    const admin = await signIn(deja.adminKey);
    await admin.getByRole('link', { name: secret }).waitFor();
    await admin.getByRole('link', { name: PARAPHRASE }).first().waitFor();
    await admin.getByLabel('Tenant').selectOption('other');
    await admin.getByRole('link', { name: PARAPHRASE }).first().waitFor({ state: 'detached' });
    await admin.getByRole('link', { name: secret }).waitFor();
    await admin.context().close();
  });
});
