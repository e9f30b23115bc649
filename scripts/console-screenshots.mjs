// Takes the screenshots in docs/console.md: starts the built embedded app (`npm run build`
// first) in a temporary data folder, asks it a few questions, retires one answer, and photographs
// each console page at a desktop and a phone width with Debian's chromium (scripts/setup-browser.sh).
//   node scripts/console-screenshots.mjs            → docs/images/console-<page>-<desktop|phone>.png
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'images');
const browserPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const widths = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'deja-screenshots-'));
const url = `http://127.0.0.1:${port}`;
const app = spawn(process.execPath, [join(root, 'dist/apps/deja/src/main.js')], {
  env: {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DEJA_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    DEJA_SIMULATE_PROVIDERS: 'true',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve, reject) => {
  let text = '';
  app.stdout.on('data', (d) => (text += d) && text.includes('Deja is running') && resolve());
  app.once('exit', (code) => reject(new Error(`deja exited with ${code}`)));
});
const keys = JSON.parse(readFileSync(join(dataDir, 'keys.json'), 'utf8'));

async function call(method, path, body, key = keys.api_key) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return res.json();
}
const ask = (content, namespace, docs = []) =>
  call('POST', '/v1/chat/completions', {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content }],
    deja: { namespace, context_docs: docs },
  });

try {
  for (const [q, ns, docs] of [
    ['How do I reset my password?', 'support'],
    ['What is the way to reset my password?', 'support'],
    ['How do I reset my password?', 'support'],
    ['How many vacation days do new hires get?', 'hr-faq', [{ id: 'handbook', version: 7 }]],
    ['How much vacation does a new employee get?', 'hr-faq', [{ id: 'handbook', version: 7 }]],
    ['Which ports does the agent need open?', 'support'],
    ['Which ports must be open for the agent?', 'support'],
  ])
    await ask(q, ns, docs);
  await call('PUT', '/v1/console/namespaces/hr-faq', { target_false_hit_rate: 0.01, ttl_seconds: 86400 });
  const [entry] = (await call('POST', '/v1/console/entries/search', { q: 'ports' })).entries;
  await call('POST', '/v1/console/retire', { action: 'purge_entry', entry_id: entry.id });
  await new Promise((r) => setTimeout(r, 1500));

  const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
  const { decisions } = await call('GET', '/v1/console/decisions?outcome=hit&limit=1');
  const pages = [
    ['signin', null],
    ['decisions', '#/decisions'],
    ['why', `#/decisions/${decisions[0].id}`],
    ['entries', '#/entries'],
    ['namespaces', '#/namespaces'],
    ['overview', '#/overview'],
    ['invalidations', '#/invalidations'],
  ];
  for (const [size, viewport] of Object.entries(widths)) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    for (const [name, hash] of pages) {
      await page.goto(`${url}/console${hash ?? ''}`);
      if (name === 'signin') {
        await page.getByLabel('API key').waitFor();
      } else {
        if (await page.getByLabel('API key').isVisible()) {
          await page.getByLabel('API key').fill(keys.admin_key);
          await page.getByRole('button', { name: 'Sign in' }).click();
        }
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300);
      }
      await page.screenshot({ path: join(out, `console-${name}-${size}.png`), fullPage: size === 'desktop' });
      if (name === 'signin') await page.goto(`${url}/console`);
    }
    await context.close();
  }
  await browser.close();
} finally {
  app.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
