import { randomUUID } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { metricValue, ServiceProcess, workerOnSimulator } from '../../integration/support/service-process';
import { testEnv, testNames } from '../../integration/env';
import { answeredOnce, runBatchProducer } from '../support/batch-producer';
import { streamOpenAI } from '../../integration/support/sdk-stream';

/**
 * The whole distributed pipeline, as processes: gateway → Kafka → embedding-service →
 * llm-worker → provider simulator → back, with real Kafka, Postgres+pgvector and Jaeger.
 */
describe('pipeline end to end (all services as processes)', () => {
  const run = randomUUID().slice(0, 8);
  const namespace = `e2e-${run}`;
  const apiKey = `e2e-tenant-key-${run}-0123456789`;
  const ports = { sim: 18390, embedding: 18391, worker: 18392, gateway: 18393, invalidation: 18394 };
  const adminKey = `e2e-admin-key-${run}-0123456789`;
  const sim = new ServiceProcess('provider-simulator', ports.sim, { SIM_LATENCY_SCALE: '0' });
  const embedding = new ServiceProcess('embedding-service', ports.embedding);
  const worker = workerOnSimulator(ports.worker, ports.sim);
  const gateway = new ServiceProcess('gateway', ports.gateway, {
    DEJA_API_KEY: apiKey,
    DEJA_ADMIN_KEY: adminKey,
    DEJA_KEY_SECRET: 'e2e-key-secret-0123456789abcdef',
  });
  const invalidation = new ServiceProcess('invalidation-service', ports.invalidation);
  const services = [sim, embedding, worker, invalidation, gateway];

  beforeAll(async () => {
    for (const s of services) await s.start();
  });

  afterAll(async () => {
    for (const s of [...services].reverse()) await s.stop();
  });

  const gw = (path: string) => `http://127.0.0.1:${ports.gateway}${path}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

  async function submit(question: string): Promise<string> {
    const res = await fetch(gw('/v1/jobs'), {
      method: 'POST',
      headers,
      body: JSON.stringify({
        provider: 'openai',
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: question }],
        deja: { namespace },
      }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }

  interface JobView {
    status: string;
    answer: { content: string } | null;
    cache: {
      outcome: string;
      tier: string | null;
      similarity: number | null;
      threshold: number | null;
      probability: number | null;
      target_false_hit_rate: number | null;
    };
    cost: { usd: number; uncached_usd: number; saved_usd: number };
  }

  async function awaitJob(id: string): Promise<JobView> {
    const deadline = Date.now() + 90000;
    for (;;) {
      const res = await fetch(gw(`/v1/jobs/${id}?wait=20`), { headers });
      const body = (await res.json()) as JobView;
      if (body.status !== 'queued') return body;
      if (Date.now() > deadline) throw new Error(`job ${id} still queued:\n${JSON.stringify(body)}`);
    }
  }

  async function providerCalls(text: string): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${ports.sim}/_sim/requests`);
    const body = (await res.json()) as { requests: Array<{ last_user_text?: string }> };
    return body.requests.filter((r) => r.last_user_text === text).length;
  }

  let missJobId = '';
  let hitJobId = '';

  it('answers a question from the provider the first time, and a paraphrase from the cache with no second provider call', async () => {
    const question = `How do I reset my password? (${run})`;
    missJobId = await submit(question);
    const first = await awaitJob(missJobId);
    expect(first).toMatchObject({ status: 'completed', cache: { outcome: 'miss' } });
    expect(first.answer?.content).toEqual(expect.any(String));
    expect(first.cost.usd).toBeGreaterThan(0);
    expect(await providerCalls(question)).toBe(1);

    const paraphrase = `How can I reset my password? (${run})`;
    hitJobId = await submit(paraphrase);
    const second = await awaitJob(hitJobId);
    expect(second).toMatchObject({ status: 'completed', cache: { outcome: 'hit', tier: 'semantic' } });
    expect(second.cache).toMatchObject({ target_false_hit_rate: 0.02, probability: expect.any(Number) });
    expect(second.answer?.content).toBe(first.answer?.content);
    expect(second.cost.usd).toBe(0);
    expect(second.cost.saved_usd).toBeGreaterThan(0);
    expect(await providerCalls(paraphrase)).toBe(0);
  });

  it('puts each job in one trace in Jaeger, across every service it crossed, with the cache attributes on the lookup span', async () => {
    type JSpan = {
      spanID: string;
      processID: string;
      operationName: string;
      references: Array<{ refType: string; spanID: string }>;
      tags: Array<{ key: string; value: unknown }>;
    };
    type JTrace = { traceID: string; spans: JSpan[]; processes: Record<string, { serviceName: string }> };
    // Span names carry the physical topic (the run's prefix before it), as kafkajs sees it.
    const servicesOf = (t: JTrace) => new Set(t.spans.map((s) => t.processes[s.processID].serviceName));
    // Spans arrive from each service's batch exporter at its own pace: wait for the last hop.
    const findTrace = async (jobId: string, complete: (t: JTrace) => boolean): Promise<JTrace> => {
      const deadline = Date.now() + 30000;
      for (;;) {
        const tags = encodeURIComponent(JSON.stringify({ 'deja.request_id': jobId }));
        const res = await fetch(
          `${testEnv.jaegerQueryUrl}/api/traces?service=deja-embedding-service&tags=${tags}&limit=5&lookback=1h`,
        );
        const body = (await res.json()) as { data: JTrace[] };
        const t = body.data?.[0];
        if (t && complete(t)) return t;
        if (Date.now() > deadline)
          throw new Error(
            `no complete trace for job ${jobId}: ${JSON.stringify(t?.spans.map((s) => s.operationName))}`,
          );
        await new Promise((r) => setTimeout(r, 500));
      }
    };

    const gatewayConsumedResult = (t: JTrace) =>
      t.spans.some(
        (s) =>
          s.operationName === `process ${testNames.topic('deja.results.v1')}` &&
          t.processes[s.processID].serviceName === 'deja-gateway',
      );
    const missTrace = await findTrace(
      missJobId,
      (t) =>
        gatewayConsumedResult(t) &&
        servicesOf(t).has('deja-llm-worker') &&
        t.spans.some((s) => s.operationName === 'deja.cache.store'),
    );
    const services = servicesOf(missTrace);
    expect([...services].sort()).toEqual(
      expect.arrayContaining(['deja-embedding-service', 'deja-gateway', 'deja-llm-worker']),
    );
    // One trace, one root (the gateway's HTTP request), and each hop across Kafka is the child of
    // the producing service's send span.
    const roots = missTrace.spans.filter((s) => s.references.length === 0);
    expect(roots.map((r) => missTrace.processes[r.processID].serviceName)).toEqual(['deja-gateway']);
    const byId = new Map(missTrace.spans.map((s) => [s.spanID, s]));
    const parentOf = (s: JSpan) => byId.get(s.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '');
    const hop = (service: string, operation: string) => {
      const span = missTrace.spans.find(
        (s) => s.operationName === operation && missTrace.processes[s.processID].serviceName === service,
      );
      expect(span).toBeDefined();
      const parent = parentOf(span!);
      return parent
        ? { operation: parent.operationName, service: missTrace.processes[parent.processID].serviceName }
        : null;
    };
    expect(hop('deja-embedding-service', `process ${testNames.topic('deja.requests.v1')}`)).toEqual({
      operation: `send ${testNames.topic('deja.requests.v1')}`,
      service: 'deja-gateway',
    });
    expect(hop('deja-llm-worker', `process ${testNames.topic('deja.misses.v1')}`)).toEqual({
      operation: `send ${testNames.topic('deja.misses.v1')}`,
      service: 'deja-embedding-service',
    });
    expect(hop('deja-embedding-service', `process ${testNames.topic('deja.completions.v1')}`)).toEqual({
      operation: `send ${testNames.topic('deja.completions.v1')}`,
      service: 'deja-llm-worker',
    });
    expect(hop('deja-gateway', `process ${testNames.topic('deja.results.v1')}`)).toEqual({
      operation: `send ${testNames.topic('deja.results.v1')}`,
      service: 'deja-embedding-service',
    });
    const lookup = missTrace.spans.find((s) => s.operationName === 'deja.cache.lookup')!;
    const tag = (s: JSpan, k: string) => s.tags.find((t) => t.key === k)?.value;
    expect(tag(lookup, 'deja.cache.outcome')).toBe('miss');

    const hitTrace = await findTrace(hitJobId, gatewayConsumedResult);
    const hitLookup = hitTrace.spans.find((s) => s.operationName === 'deja.cache.lookup')!;
    expect(tag(hitLookup, 'deja.cache.outcome')).toBe('hit');
    expect(tag(hitLookup, 'deja.cache.tier')).toBe('semantic');
    expect(Number(tag(hitLookup, 'deja.cache.similarity'))).toBeGreaterThan(0.9);
    expect(hitTrace.spans.some((s) => hitTrace.processes[s.processID].serviceName === 'deja-llm-worker')).toBe(false);
  });

  it('counts hits and misses on /metrics', async () => {
    const text = await embedding.metrics();
    // This embedding-service process has seen exactly the two questions above: one miss, one semantic hit.
    expect(metricValue(text, 'deja_cache_lookups_total', { outcome: 'hit', tier: 'semantic' })).toBe(1);
    expect(metricValue(text, 'deja_cache_lookups_total', { outcome: 'miss' })).toBe(1);
    expect(metricValue(text, 'deja_cache_similarity_count', { outcome: 'hit' })).toBe(1);
    expect(metricValue(await gateway.metrics(), 'deja_gateway_jobs_submitted_total')).toBe(2);
  });

  it('retires the namespace’s answers when an operator bumps its version through the gateway’s admin route', async () => {
    const question = `How can I reset my password? (${run})`;
    const forbidden = await fetch(gw('/v1/admin/invalidations'), {
      method: 'POST',
      headers,
      body: JSON.stringify({ tenant: 'default', action: 'bump_namespace', namespace }),
    });
    expect(forbidden.status).toBe(403);
    const res = await fetch(gw('/v1/admin/invalidations'), {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'default', action: 'bump_namespace', namespace }),
    });
    expect(res.status).toBe(202);
    // The bump is applied by the invalidation-service from Kafka; from then on the old answer is never served.
    const deadline = Date.now() + 30000;
    let job: JobView;
    do {
      job = await awaitJob(await submit(question));
      if (job.cache.outcome !== 'hit') break;
      await new Promise((r) => setTimeout(r, 300));
    } while (Date.now() < deadline);
    expect(job.cache.outcome).toBe('miss');
  });

  it('answers the official OpenAI and Anthropic SDKs, streamed and not, with the cache headers', async () => {
    const openai = new OpenAI({ apiKey, baseURL: gw('/v1'), maxRetries: 0 });
    const question = `What payment methods do you accept? (${run})`;
    const body = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: question }],
      deja: { namespace },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const first = await openai.chat.completions.create(body).withResponse();
    expect(first.response.headers.get('x-deja-cache')).toBe('miss');
    expect(first.data.choices[0].message.content).toEqual(expect.any(String));
    const again = await openai.chat.completions.create(body).withResponse();
    expect(again.response.headers.get('x-deja-cache')).toBe('hit');
    expect(again.response.headers.get('x-deja-tier')).toBe('exact');
    expect(again.data.choices[0].message.content).toBe(first.data.choices[0].message.content);
    const streamed = await streamOpenAI(openai, body);
    expect(streamed).toEqual({ cache: 'hit', text: first.data.choices[0].message.content });

    const anthropic = new Anthropic({ apiKey, baseURL: gw(''), maxRetries: 0 });
    const aBody = {
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      messages: [{ role: 'user' as const, content: question }],
      deja: { namespace },
    } as Anthropic.MessageCreateParamsNonStreaming;
    const a1 = await anthropic.messages.create(aBody).withResponse();
    expect(a1.response.headers.get('x-deja-cache')).toBe('miss');
    const a2 = await anthropic.messages
      .create({ ...aBody, stream: true } as Anthropic.MessageCreateParamsStreaming)
      .withResponse();
    expect(a2.response.headers.get('x-deja-cache')).toBe('hit');
    let aText = '';
    for await (const event of a2.data)
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') aText += event.delta.text;
    expect(aText).toBe(a1.data.content.map((b) => (b.type === 'text' ? b.text : '')).join(''));
  });

  it('answers a batch of 1,000 requests produced straight to Kafka, one result per id, duplicates once', async () => {
    // Under the run's prefix, so global teardown deletes it with the run's other topics.
    const replyTo = testNames.topic(`e2e.batch.results.${run}`);
    const out = await runBatchProducer([
      '--n',
      '1000',
      '--duplicates',
      '50',
      '--tenant',
      `batch-${run}`,
      '--namespace',
      namespace,
      '--reply-to',
      replyTo,
      '--timeout',
      '300',
    ]);
    expect(out.code).toBe(0);
    expect(out.summary).toMatchObject(answeredOnce(1000, 50));
  }, 400_000);
});
