#!/usr/bin/env node
'use strict';
/**
 * Deja batch producer example: sends N requests with its own ids straight to deja.requests.v1
 * (no gateway), including deliberate duplicates, and reads the answers back from
 * deja.results.v1 (or from the topic named in the optional `reply-to` header). Prints a summary.
 *
 * Plain JavaScript with kafkajs only, so the wire format is visible without Deja's libraries:
 * the JSON Schemas of both topics are exported by libs/contracts for other languages.
 *
 *   node examples/batch-producer/batch-producer.js --n 20 --duplicates 5 --tenant default
 *   node examples/batch-producer/batch-producer.js --reply-to batch.results.mine
 *
 * A deployment with DEJA_TOPIC_PREFIX (e.g. `acme.`) consumes `acme.deja.requests.v1` and answers
 * on `acme.deja.results.v1`: pass the same prefix (--topic-prefix or DEJA_TOPIC_PREFIX). A
 * --reply-to topic is used exactly as named.
 */
const { randomUUID } = require('node:crypto');
const { parseArgs: parseFlags } = require('node:util');
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const REQUESTS = 'deja.requests.v1';
const RESULTS = 'deja.results.v1';
const KAFKA_TOPIC_CHARS = /^[A-Za-z0-9._-]*$/;

const USAGE =
  'options: --n N --duplicates D --tenant T --brokers host:port --reply-to TOPIC --timeout SECONDS --model M --provider openai|anthropic --namespace NS --topic-prefix PREFIX';

function parseArgs(argv) {
  const { values } = parseFlags({
    args: argv.slice(2),
    options: {
      n: { type: 'string', default: '20' },
      duplicates: { type: 'string', default: '5' },
      tenant: { type: 'string', default: 'default' },
      brokers: { type: 'string', default: process.env.KAFKA_BROKERS || '127.0.0.1:9092' },
      'reply-to': { type: 'string' },
      timeout: { type: 'string', default: '120' },
      model: { type: 'string', default: 'gpt-4o-mini' },
      provider: { type: 'string', default: 'openai' },
      namespace: { type: 'string', default: 'default' },
      'topic-prefix': { type: 'string', default: process.env.DEJA_TOPIC_PREFIX || '' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const opts = {
    ...values,
    n: Number(values.n),
    duplicates: Number(values.duplicates),
    replyTo: values['reply-to'],
    timeout: Number(values.timeout),
    topicPrefix: values['topic-prefix'],
  };
  if (!Number.isInteger(opts.n) || opts.n < 1) throw new Error('--n must be a positive integer');
  if (!Number.isInteger(opts.duplicates) || opts.duplicates < 0 || opts.duplicates > opts.n)
    throw new Error('--duplicates must be between 0 and --n');
  if (!KAFKA_TOPIC_CHARS.test(opts.topicPrefix))
    throw new Error('--topic-prefix (DEJA_TOPIC_PREFIX) may contain only letters, digits, ".", "_" and "-"');
  return opts;
}

// A few questions and paraphrases: the paraphrases are different requests (own ids) that a
// semantic cache may answer from each other's entries.
const QUESTIONS = [
  'How many vacation days do new employees get?',
  'How many days of vacation does a new hire get?',
  'How do I reset my password?',
  'What is the procedure to reset my password?',
  'What are the office opening hours?',
  'When is the office open?',
  'How do I convert Celsius to Fahrenheit?',
  'How do I convert Fahrenheit to Celsius?',
];

function requestFor(opts, runId, i) {
  return {
    request_id: `batch-${runId}-${i}`,
    tenant: opts.tenant,
    submitted_at: new Date().toISOString(),
    request: {
      provider: opts.provider,
      model: opts.model,
      system: 'You are the help desk of ACME. Answer in one sentence.',
      messages: [{ role: 'user', content: QUESTIONS[i % QUESTIONS.length] }],
      params: { temperature: 0, max_tokens: 200 },
    },
    cache: { namespace: opts.namespace },
  };
}

async function ensureTopic(kafka, topic) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic))
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
}

async function main() {
  const opts = parseArgs(process.argv);
  const runId = randomUUID().slice(0, 8);
  const kafka = new Kafka({
    clientId: `deja-batch-${runId}`,
    brokers: opts.brokers.split(','),
    logLevel: logLevel.WARN,
  });
  const requestsTopic = opts.topicPrefix + REQUESTS;
  const resultsTopic = opts.replyTo || opts.topicPrefix + RESULTS;
  if (opts.replyTo) await ensureTopic(kafka, opts.replyTo);

  // Listen first: a fresh consumer group starts at the end of the topic.
  const results = new Map();
  let duplicateResults = 0;
  const consumer = kafka.consumer({ groupId: `deja-batch-${runId}` });
  await consumer.connect();
  await consumer.subscribe({ topic: resultsTopic, fromBeginning: false });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  const sentAt = new Map();
  await consumer.run({
    eachMessage: async ({ message }) => {
      let value;
      try {
        value = JSON.parse(message.value.toString('utf8'));
      } catch {
        return;
      }
      if (!sentAt.has(value.request_id)) return; // someone else's result
      if (results.has(value.request_id)) duplicateResults++;
      else results.set(value.request_id, { ...value, latency_ms: Date.now() - sentAt.get(value.request_id) });
    },
  });
  await joined;
  await new Promise((r) => setTimeout(r, 1500));

  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const requests = Array.from({ length: opts.n }, (_, i) => requestFor(opts, runId, i));
  // Deliberate duplicates: the same request (same id) sent again; Deja answers an id once.
  const duplicates = requests.slice(0, opts.duplicates);
  // deja-tenant lets Deja's consumers take tenants in turns without reading the value first.
  const headers = { 'deja-tenant': opts.tenant, ...(opts.replyTo ? { 'reply-to': opts.replyTo } : {}) };
  const now = Date.now();
  for (const r of requests) sentAt.set(r.request_id, now);
  await producer.send({
    topic: requestsTopic,
    messages: [...requests, ...duplicates].map((r) => ({ key: r.request_id, value: JSON.stringify(r), headers })),
  });
  console.log(
    `sent ${requests.length} requests + ${duplicates.length} duplicates to ${requestsTopic} (tenant ${opts.tenant}, run ${runId}); reading ${resultsTopic}`,
  );

  const deadline = Date.now() + opts.timeout * 1000;
  while (results.size < requests.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  await producer.disconnect();
  await consumer.disconnect();

  const all = [...results.values()];
  const by = (f) => all.reduce((acc, r) => ((acc[f(r)] = (acc[f(r)] || 0) + 1), acc), {});
  const latencies = all.map((r) => r.latency_ms).sort((a, b) => a - b);
  const summary = {
    sent: requests.length,
    duplicates_sent: duplicates.length,
    answered: all.length,
    missing: requests.filter((r) => !results.has(r.request_id)).map((r) => r.request_id),
    duplicate_results: duplicateResults,
    by_status: by((r) => r.status),
    by_outcome: by((r) => `${r.cache.outcome}${r.cache.tier ? `/${r.cache.tier}` : ''}`),
    latency_ms: latencies.length
      ? { p50: latencies[Math.floor(latencies.length / 2)], max: latencies[latencies.length - 1] }
      : null,
    cost_usd: round(all.reduce((s, r) => s + r.cost.usd, 0)),
    saved_usd: round(all.reduce((s, r) => s + r.cost.saved_usd, 0)),
    errors: all.filter((r) => r.error).map((r) => ({ id: r.request_id, code: r.error.code, message: r.error.message })),
  };
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = summary.missing.length === 0 ? 0 : 2;
}

function round(x) {
  return Math.round(x * 1e6) / 1e6;
}

main().catch((error) => {
  console.error(`batch-producer failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exit(1);
});
