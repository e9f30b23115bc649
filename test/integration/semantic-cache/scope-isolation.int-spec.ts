/**
 * @jest-environment ./libs/data-access-embeddings/src/testing/onnx-test-environment.js
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { ContractsTesting, type RequestV1 } from '@deja/contracts';
import { CacheRepository } from '@deja/data-access-cache';
import { createEmbedder, type Embedder } from '@deja/data-access-embeddings';
import { migrate } from '@deja/data-access-postgres';
import { CacheMetrics, DEFAULT_NAMESPACE_POLICY, SemanticCache } from '@deja/feature-semantic-cache';
import { testEnv } from '../env';

/**
 * Property: whatever mix of tenants, system prompts, models, namespaces, parameters and users
 * the requests carry, a hit only ever returns an answer stored under exactly the same scope.
 * Real Postgres+pgvector and the real local embedding model; each stored answer records the
 * scope it was built for, and every hit is checked against the asking request's scope.
 */
describe('scope isolation (property, real Postgres + model)', () => {
  let pool: Pool;
  let embedder: Embedder;
  let cache: SemanticCache;

  beforeAll(async () => {
    await migrate({ databaseUrl: testEnv.databaseUrl });
    pool = new Pool({ connectionString: testEnv.databaseUrl, max: 4 });
    embedder = await createEmbedder({ provider: 'local' });
    cache = new SemanticCache(new CacheRepository(pool), embedder, new CacheMetrics(new Registry()), {
      topK: 5,
      defaults: DEFAULT_NAMESPACE_POLICY,
    });
  });

  afterAll(async () => {
    await pool?.end();
  });

  // Paraphrase groups, so semantic hits are plentiful and the scope is what must stop them.
  const QUESTIONS = [
    'How do I reset my password?',
    'I forgot my password, how can I reset it?',
    'What are your opening hours?',
    'When are you open?',
    'How do I cancel my subscription?',
    'How can I cancel my plan?',
    'Where can I download my invoices?',
  ];

  const scopeArb = fc.record({
    tenant: fc.constantFrom('t1', 't2', 't3', 't4'),
    system: fc.constantFrom('You are a helpful assistant.', 'You are a pirate.', 'Answer in French.'),
    model: fc.constantFrom('gpt-4o-mini', 'gpt-4o'),
    namespace: fc.constantFrom('default', 'faq'),
    temperature: fc.constantFrom(0, 0.7),
    user: fc.constantFrom<string | null>(null, 'alice', 'bob'),
  });
  // A few scopes per run, many questions across them: repeats across scopes are the point.
  const runArb = fc.array(scopeArb, { minLength: 2, maxLength: 4 }).chain((scopes) =>
    fc.array(
      fc.record({
        scope: fc.constantFrom(...scopes),
        question: fc.constantFrom(...QUESTIONS),
        rephrase: fc.boolean(),
      }),
      { minLength: 10, maxLength: 30 },
    ),
  );

  it('never serves an entry across tenants, prompts, models, namespaces, params or users', async () => {
    let hits = 0;
    await fc.assert(
      fc.asyncProperty(runArb, async (steps) => {
        const run = randomUUID().slice(0, 8);
        for (const step of steps) {
          const s = step.scope;
          const scopeLabel = JSON.stringify({ ...s, tenant: `${run}-${s.tenant}` });
          const request: RequestV1 = {
            request_id: randomUUID(),
            tenant: `${run}-${s.tenant}`,
            submitted_at: new Date().toISOString(),
            request: {
              provider: 'openai',
              model: s.model,
              system: s.system,
              messages: [{ role: 'user', content: step.rephrase ? step.question.toLowerCase() : step.question }],
              params: { temperature: s.temperature },
            },
            cache: {
              namespace: s.namespace,
              lookup: true,
              store: true,
              personal: s.user !== null,
              ...(s.user ? { user: s.user } : {}),
              context_docs: [],
            },
          };
          const outcome = await cache.lookup(request, `prop:${request.request_id}`);
          if (outcome.kind === 'hit') {
            hits++;
            expect(outcome.result.answer?.content).toBe(scopeLabel);
          } else if (outcome.kind === 'miss') {
            await cache.complete(ContractsTesting.completionFor(outcome.miss, scopeLabel));
          } else {
            throw new Error(`unexpected outcome ${outcome.kind}`);
          }
        }
      }),
      { numRuns: 20 },
    );
    // The property is only meaningful if the cache did serve hits.
    expect(hits).toBeGreaterThan(20);
  });
});
