#!/usr/bin/env node
'use strict';
/**
 * Replays a support bot's questions against a running Deja (start it with `npm start`) and
 * prints what the cache did: hit rate, false hits avoided, tokens and money saved.
 *
 *   DEJA_URL=http://127.0.0.1:8080 DEJA_API_KEY=dj_… npm run demo
 *   node examples/demo/demo.js --url http://127.0.0.1:8080 --key dj_… --concurrency 3 --seed 7
 *
 * Without --key it reads the key embedded mode generated (DEJA_DATA_DIR, default .deja/data).
 * Plain Node (fetch only): the requests are what any HTTP client would send to the jobs API.
 */
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { randomUUID } = require('node:crypto');
const { parseArgs: parseFlags } = require('node:util');
const { QUESTIONS } = require('./questions');

const SYSTEM = [
  'You are the support assistant of Skybox, a cloud storage service for individuals and teams.',
  'Answer in at most three sentences, in plain language, and link to help-center articles when useful.',
  'Plans: Free (5 GB, 2 devices), Pro (2 TB, unlimited devices), Business (5 TB per user, admin console).',
  'Never ask for passwords or full card numbers. Escalate billing disputes to a human agent.',
].join('\n');

const USAGE =
  'options: --url URL --key KEY --concurrency N --seed N --model M --namespace NS (default: a fresh one per run)';

function parseArgs(argv) {
  const { values } = parseFlags({
    args: argv.slice(2),
    options: {
      url: { type: 'string', default: process.env.DEJA_URL || 'http://127.0.0.1:8080' },
      key: { type: 'string' },
      concurrency: { type: 'string', default: '3' },
      seed: { type: 'string', default: '7' },
      model: { type: 'string', default: 'gpt-4o-mini' },
      namespace: { type: 'string', default: `demo-${randomUUID().slice(0, 8)}` },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const opts = {
    ...values,
    key: values.key ?? process.env.DEJA_API_KEY,
    dataDir: process.env.DEJA_DATA_DIR || '.deja/data',
    concurrency: Number(values.concurrency),
    seed: Number(values.seed),
  };
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)
    throw new Error('--concurrency must be a positive integer');
  if (!opts.key) {
    const file = join(resolve(opts.dataDir), 'keys.json');
    try {
      opts.key = JSON.parse(readFileSync(file, 'utf8')).api_key;
    } catch {
      throw new Error(`no API key: pass --key or DEJA_API_KEY (or start embedded mode first, which writes ${file})`);
    }
  }
  return opts;
}

/** Deterministic shuffle (mulberry32), so a seed replays the same day. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The day's stream: every question's wordings in the order users ask them (the first wording
 * first), the questions interleaved at random; traps come after the question they resemble.
 */
function workload(seed) {
  const rnd = random(seed);
  const queues = QUESTIONS.map((item) => {
    const later = [...item.para, ...Array.from({ length: item.repeats }, () => item.q), ...(item.traps ?? [])].map(
      (text) => ({
        text,
        kind: (item.traps ?? []).includes(text) ? 'trap' : text === item.q ? 'repeat' : 'paraphrase',
      }),
    );
    for (let i = later.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [later[i], later[j]] = [later[j], later[i]];
    }
    return [{ text: item.q, kind: 'first' }, ...later];
  });
  const out = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    out.push(open[Math.floor(rnd() * open.length)].shift());
  }
  return out;
}

async function call(opts, method, path, body) {
  const res = await fetch(`${opts.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${opts.key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { raw: text };
  }
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return json;
}

/** Submits one question as a job and waits for its answer. */
async function ask(opts, text) {
  const submitted = await call(opts, 'POST', '/v1/jobs', {
    provider: 'openai',
    model: opts.model,
    system: SYSTEM,
    messages: [{ role: 'user', content: text }],
    deja: { namespace: opts.namespace },
  });
  for (let waited = 0; waited < 120; waited += 30) {
    const job = await call(opts, 'GET', `/v1/jobs/${submitted.id}?wait=30`);
    if (job.status !== 'queued') return job;
  }
  throw new Error(`no answer to "${text}" within 120 s`);
}

function bar(done, total, stats, width = 32) {
  const filled = Math.round((done / total) * width);
  const line = `  [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(done).padStart(3)}/${total}  hits ${stats.hits}  misses ${stats.misses}  errors ${stats.errors}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  else if (done === total || done % 20 === 0) process.stdout.write(`${line}\n`);
}

const tokens = (u) =>
  u ? (u.input_tokens ?? 0) + (u.cache_write_tokens ?? 0) + (u.cache_read_tokens ?? 0) + (u.output_tokens ?? 0) : 0;
const usd = (n) => `$${n.toFixed(4)}`;
const pct = (a, b) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '—');

async function main() {
  const opts = parseArgs(process.argv);
  const health = await fetch(`${opts.url}/health`).catch(() => undefined);
  if (!health || health.status !== 200)
    throw new Error(`Deja is not answering at ${opts.url}/health — start it with \`npm start\` (or pass --url)`);

  const stream = workload(opts.seed);
  const stats = {
    hits: 0,
    misses: 0,
    errors: 0,
    exact: 0,
    semantic: 0,
    trapsMissed: 0,
    trapsHit: 0,
    guardRejections: 0,
    guards: {},
    savedTokens: 0,
    spentTokens: 0,
    savedUsd: 0,
    spentUsd: 0,
    simulated: false,
    falseHits: [],
  };
  const kinds = { first: 0, repeat: 0, paraphrase: 0, trap: 0 };
  const hitsByKind = { first: 0, repeat: 0, paraphrase: 0, trap: 0 };
  console.log(
    `Replaying ${stream.length} support questions (${QUESTIONS.length} topics) against ${opts.url}, namespace ${opts.namespace}, ${opts.concurrency} at a time\n`,
  );
  const started = Date.now();
  let next = 0;
  let done = 0;
  bar(0, stream.length, stats);
  const worker = async () => {
    while (next < stream.length) {
      const item = stream[next++];
      kinds[item.kind]++;
      try {
        const job = await ask(opts, item.text);
        if (job.status !== 'completed')
          throw new Error(`${job.error?.code ?? job.status}: ${job.error?.message ?? ''}`);
        const cache = job.cache ?? {};
        if (cache.outcome === 'hit') {
          stats.hits++;
          hitsByKind[item.kind]++;
          if (cache.tier === 'exact') stats.exact++;
          else stats.semantic++;
          if (item.kind === 'trap') stats.falseHits.push(item.text);
        } else stats.misses++;
        if (cache.rejected_by) {
          stats.guardRejections++;
          stats.guards[cache.rejected_by] = (stats.guards[cache.rejected_by] ?? 0) + 1;
        }
        if (job.answer?.simulated) stats.simulated = true;
        stats.savedTokens += tokens(job.saved_usage);
        stats.spentTokens += tokens(job.usage);
        stats.savedUsd += job.cost?.saved_usd ?? 0;
        stats.spentUsd += job.cost?.usd ?? 0;
      } catch (error) {
        stats.errors++;
        if (stats.errors <= 3) process.stdout.write(`\n  ! ${item.text}: ${error.message}\n`);
      }
      bar(++done, stream.length, stats);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (Date.now() - started) / 1000;

  const answered = stats.hits + stats.misses;
  const lines = [
    '',
    '',
    `  Questions              ${stream.length} in ${seconds.toFixed(1)} s: ${kinds.first} first askings, ${kinds.paraphrase} paraphrases, ${kinds.repeat} repeats, ${kinds.trap} look-alikes`,
    `  Answered from cache    ${stats.hits} of ${answered} (${pct(stats.hits, answered)}) — exact ${stats.exact}, semantic ${stats.semantic}`,
    `                         paraphrases ${hitsByKind.paraphrase}/${kinds.paraphrase}, repeats ${hitsByKind.repeat}/${kinds.repeat}`,
    `  Sent to the provider   ${stats.misses}`,
    `  False hits avoided     ${stats.guardRejections} similar cached answer(s) refused by a guard${
      Object.keys(stats.guards).length
        ? ` (${Object.entries(stats.guards)
            .map(([g, n]) => `${g} ${n}`)
            .join(', ')})`
        : ''
    }`,
    `  Look-alike questions   ${kinds.trap - hitsByKind.trap} of ${kinds.trap} answered fresh${stats.falseHits.length ? ` — answered from cache: ${stats.falseHits.join(' | ')}` : ''}`,
    `  Tokens saved           ${stats.savedTokens.toLocaleString('en-US')} (spent ${stats.spentTokens.toLocaleString('en-US')})`,
    `  Money saved            ${usd(stats.savedUsd)} of ${usd(stats.savedUsd + stats.spentUsd)} it would have cost without Deja (${pct(stats.savedUsd, stats.savedUsd + stats.spentUsd)})`,
    stats.simulated
      ? "  Provider               simulated (no provider API key): token counts and prices are the real models' rates"
      : '  Provider               real',
    stats.errors ? `  Errors                 ${stats.errors}` : '',
    '',
  ];
  console.log(lines.filter((l, i) => l !== '' || i < 2 || i === lines.length - 1).join('\n'));
  if (stats.errors > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`demo: ${error.message}`);
  process.exit(1);
});
