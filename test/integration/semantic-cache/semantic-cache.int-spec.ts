import { randomUUID } from 'node:crypto';
import {
  COMPLETIONS_V1,
  ContractsTesting,
  MISSES_V1,
  REQUESTS_V1,
  RESULTS_V1,
  type MissV1,
  type ResultV1,
} from '@deja/contracts';
import { Client } from 'pg';
import { testEnv } from '../env';
import { KafkaProbe } from '../support/kafka-probe';
import { metricValue, ServiceProcess } from '../support/service-process';

/**
 * The semantic cache through the embedding-service's Kafka interface, with the real model and
 * Postgres+pgvector. The test plays the llm-worker: it answers each miss with a completion.
 */
describe('semantic cache via the embedding-service (real Kafka, Postgres+pgvector, local model)', () => {
  const probe = new KafkaProbe('semantic-cache-test');
  const service = new ServiceProcess('embedding-service', 18281);
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    await probe.start([RESULTS_V1, MISSES_V1]);
    await service.start();
  });

  afterAll(async () => {
    await service.stop();
    await probe.stop();
  });

  interface Ask {
    tenant?: string;
    system?: string;
    model?: string;
    ttl?: number;
    lookup?: boolean;
    /** A raw similarity threshold (the expert rule) instead of the learned decision stage. */
    threshold?: number;
  }

  /** Sends a question; answers it as the llm-worker would when it misses; returns the result. */
  async function ask(question: string, opts: Ask = {}): Promise<{ result: ResultV1; missed: boolean }> {
    const request = ContractsTesting.requestFor({
      requestId: `${run}-${randomUUID()}`,
      tenant: opts.tenant ?? `acme-${run}`,
      question,
      model: opts.model,
      system: opts.system,
      cache: {
        lookup: opts.lookup ?? true,
        ...(opts.ttl ? { ttl_seconds: opts.ttl } : {}),
        ...(opts.threshold ? { threshold: opts.threshold } : {}),
      },
    });
    await probe.send(REQUESTS_V1, request.request_id, request);
    const id = request.request_id;
    const first = await Promise.race([
      probe.waitFor<ResultV1>(RESULTS_V1, (v) => v.request_id === id).then((r) => ({ kind: 'result' as const, r })),
      probe.waitFor<MissV1>(MISSES_V1, (v) => v.request_id === id).then((m) => ({ kind: 'miss' as const, m })),
    ]);
    if (first.kind === 'result') return { result: first.r, missed: false };
    const completion = ContractsTesting.completionFor(first.m, `Answer to: ${question}`);
    await probe.send(COMPLETIONS_V1, `${first.m.lookup.scope_hash}:${first.m.lookup.query_hash}`, completion);
    return { result: await probe.waitFor<ResultV1>(RESULTS_V1, (v) => v.request_id === id), missed: true };
  }

  it('answers "What is RAG?" from the entry for "Can you explain retrieval-augmented generation?"', async () => {
    const seeded = await ask('Can you explain retrieval-augmented generation?');
    expect(seeded.missed).toBe(true);
    expect(seeded.result.cache.entry_id).toEqual(expect.any(String));
    const { result, missed } = await ask('What is RAG?');
    expect(missed).toBe(false);
    expect(result.cache).toMatchObject({ outcome: 'hit', tier: 'semantic', entry_id: seeded.result.cache.entry_id });
    expect(result.answer?.content).toBe('Answer to: Can you explain retrieval-augmented generation?');
    expect(result.usage).toEqual({ input_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 0 });
    expect(result.cost.saved_usd).toBeCloseTo(0.001);
  });

  it('does not answer "How do I handle authentication errors?" from "What are the rate limits?"', async () => {
    await ask('What are the rate limits?');
    const { result, missed } = await ask('How do I handle authentication errors?');
    expect(missed).toBe(true);
    expect(result.cache.outcome).toBe('miss');
  });

  it('does not answer "Celsius to Fahrenheit" from "Fahrenheit to Celsius", and says what the decision stage thought', async () => {
    await ask('How do I convert Fahrenheit to Celsius?');
    const { result, missed } = await ask('How do I convert Celsius to Fahrenheit?');
    expect(missed).toBe(true);
    // The direction guard refuses it before the model is asked: no probability to report.
    expect(result.cache).toMatchObject({ outcome: 'miss', target_false_hit_rate: 0.02, rejected_by: 'direction' });
    expect(result.cache.similarity).toBeGreaterThan(0.95);
  });

  it('under a raw threshold, refuses "Celsius to Fahrenheit" above the threshold and says which guard refused', async () => {
    await ask('How do I convert Fahrenheit to Kelvin?', { threshold: 0.9 });
    const { result, missed } = await ask('How do I convert Kelvin to Fahrenheit?', { threshold: 0.9 });
    expect(missed).toBe(true);
    expect(result.cache.outcome).toBe('miss');
    expect(result.cache.similarity).toBeGreaterThan(result.cache.threshold!);
    expect(result.cache.rejected_by).toEqual(expect.any(String));
  });

  it('misses the same question in another tenant, with another system prompt, or another model', async () => {
    const q = 'How do I rotate my API keys?';
    await ask(q);
    expect((await ask(q)).missed).toBe(false);
    expect((await ask(q, { tenant: `globex-${run}` })).missed).toBe(true);
    expect((await ask(q, { system: 'You are a pirate. Answer in pirate speak.' })).missed).toBe(true);
    expect((await ask(q, { model: 'gpt-4o' })).missed).toBe(true);
  });

  it('misses after the entry expired', async () => {
    const q = 'Which regions does Acme Cloud run in?';
    await ask(q, { ttl: 1 });
    await new Promise((r) => setTimeout(r, 1500));
    const { result, missed } = await ask(q);
    expect(missed).toBe(true);
    expect(result.cache.outcome).toBe('miss');
  });

  it('serves an exact repeat from the exact tier without calling the embedder', async () => {
    const q = 'How do I export my billing history?';
    await ask(q);
    const before = metricValue(await service.metrics(), 'deja_stage_duration_seconds_count', { stage: 'embed' });
    const { result, missed } = await ask('  how do I export my billing   history?');
    const after = metricValue(await service.metrics(), 'deja_stage_duration_seconds_count', { stage: 'embed' });
    expect(missed).toBe(false);
    expect(result.cache).toMatchObject({ outcome: 'hit', tier: 'exact', similarity: 1 });
    expect(after).toBe(before);
  });

  it('dead-letters nothing and answers a duplicate request id once', async () => {
    const q = 'Does Acme Cloud support IPv6?';
    await ask(q);
    const id = `${run}-dup-${randomUUID()}`;
    const request = ContractsTesting.requestFor({ requestId: id, tenant: `acme-${run}`, question: q });
    await probe.send(REQUESTS_V1, id, request);
    await probe.send(REQUESTS_V1, id, request);
    await probe.waitFor(RESULTS_V1, (v) => v.request_id === id);
    await new Promise((r) => setTimeout(r, 2000));
    expect(probe.count(RESULTS_V1, (v) => v.request_id === id)).toBe(1);
  });

  it('never serves an entry written into the table by other means, nor one whose answer was altered', async () => {
    const db = new Client({ connectionString: testEnv.databaseUrl });
    await db.connect();
    try {
      // A forged row with the exact scope and query of a real question, and a plausible signature.
      const q = 'What is the SLA for the Enterprise plan?';
      const tenant = `acme-${run}`;
      const request = ContractsTesting.requestFor({
        requestId: `${run}-forge-${randomUUID()}`,
        tenant,
        question: q,
        cache: { store: false },
      });
      await probe.send(REQUESTS_V1, request.request_id, request);
      const miss = await probe.waitFor<MissV1>(MISSES_V1, (v) => v.request_id === request.request_id);
      await db.query(
        `INSERT INTO cache_entries (tenant, namespace, scope_hash, query_hash, normalized_query, query_text, embedding, embedding_model, embedding_dim,
           request_id, provider, model, answer, usage, cost, namespace_version, ttl_seconds, expires_at, signature)
         VALUES ($1, 'support', $2, $3, $4, $5, $6, $7, 384, $8, 'openai', 'gpt-4o-mini', $9, '{}', '{"usd":0,"uncached_usd":0,"saved_usd":0}', $10, 3600, now() + interval '1 hour', 'Zm9yZ2VkLXNpZ25hdHVyZQ')`,
        [
          tenant,
          miss.lookup.scope_hash,
          miss.lookup.query_hash,
          miss.lookup.normalized_query,
          q,
          `[${miss.lookup.embedding!.join(',')}]`,
          miss.lookup.embedding_model,
          `forged-${randomUUID()}`,
          JSON.stringify({ content: 'FORGED: the SLA is 0%', finish_reason: 'stop', simulated: false }),
          miss.lookup.namespace_version,
        ],
      );
      const { result, missed } = await ask(q);
      expect(missed).toBe(true);
      expect(result.answer?.content).not.toContain('FORGED');

      // An entry stored by Deja, then altered in place.
      const altered = 'How do I change the billing email?';
      const stored = await ask(altered);
      await db.query(`UPDATE cache_entries SET answer = jsonb_set(answer, '{content}', '"ALTERED"') WHERE id = $1`, [
        stored.result.cache.entry_id,
      ]);
      const again = await ask(altered);
      expect(again.missed).toBe(true);
      expect(again.result.answer?.content).not.toBe('ALTERED');
      expect(metricValue(await service.metrics(), 'deja_cache_forged_entries_total')).toBeGreaterThanOrEqual(2);
    } finally {
      await db.end();
    }
  });
});
