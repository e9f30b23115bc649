import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { CacheRepository } from '@deja/data-access-cache';
import { TopicPublisher } from '@deja/data-access-kafka';
import { deriveCacheKeys } from '@deja/util-cache-policy';
import { testEnv } from '../../integration/env';
import { newEntry } from '../../integration/support/cache-entries';
import { http, lastUserText, startStack, type GatewayStack } from './harness';

/**
 * An exact hit is answered in the gateway's process (docs/architecture.md, hop 2): the stored
 * entry is found before anything is published, the job row is written already answered, and the
 * caller gets the same headers and body as from the pipeline. The entry here is stored under the
 * keys of the request the (simulated) pipeline received for the first ask, as the real cache
 * stores it, signed with the development key both sides use by default.
 */
describe('gateway: exact hits answered before anything is published', () => {
  let s: GatewayStack;
  const pool = new Pool({ connectionString: testEnv.databaseUrl, max: 2 });
  const repo = new CacheRepository(pool);

  beforeAll(async () => {
    s = await startStack({ compatWaitSeconds: 5 });
  });
  afterAll(async () => {
    await s?.stop();
    await pool.query('DELETE FROM cache_entries WHERE tenant = ANY ($1)', [
      Object.values(s?.keys ?? {}).map((k) => k.tenant),
    ]);
    await pool.end();
  });

  const ask = (key: string, text: string) =>
    http('POST', `${s.a.url}/v1/chat/completions`, {
      key,
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], temperature: 0 },
    });

  /** Stores an answer under the keys of the request the pipeline received for `text`. */
  async function storeAnswerTo(text: string, answer: string): Promise<string> {
    const request = await s.pipeline.waitForRequest((r) => lastUserText(r) === text);
    const keys = deriveCacheKeys(request, { namespaceVersion: 1, docVersions: {} });
    if (!keys.cacheable) throw new Error(`not cacheable: ${keys.reason}`);
    const stored = await repo.insert(
      newEntry(request.tenant, request.request_id, {
        namespace: request.cache.namespace,
        scopeHash: keys.scopeHash,
        queryHash: keys.queryHash,
        normalizedQuery: keys.normalizedQuery,
        queryText: keys.queryText,
        requestId: request.request_id,
        answer: { content: answer, finish_reason: 'stop', simulated: true },
        usage: { input_tokens: 30, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 10 },
        cost: { usd: 0.0002, uncached_usd: 0.0002, saved_usd: 0 },
      }),
    );
    return stored.id;
  }

  it('answers the repeat from the gateway: nothing published, hit headers, the job row completed with the decision', async () => {
    const { key } = s.keys.main;
    const text = `What is the uptime SLA? ${randomUUID()}`;
    expect((await ask(key, text)).headers.get('x-deja-cache')).toBe('miss');
    const entryId = await storeAnswerTo(text, 'stored: 99.9%');

    const publish = jest.spyOn(s.a.app.get(TopicPublisher), 'publish');
    try {
      const again = await ask(key, text);
      expect(again.status).toBe(200);
      expect(again.headers.get('x-deja-cache')).toBe('hit');
      expect(again.headers.get('x-deja-tier')).toBe('exact');
      expect(again.headers.get('x-deja-entry')).toBe(entryId);
      expect(again.headers.get('x-deja-saved-usd')).toBe('0.000200');
      expect((again.body['choices'] as Array<{ message: { content: string } }>)[0].message.content).toBe(
        'stored: 99.9%',
      );
      expect(publish).not.toHaveBeenCalled();

      const job = await http('GET', `${s.a.url}/v1/jobs/${again.headers.get('x-deja-job-id')}`, { key });
      expect(job.body).toMatchObject({
        status: 'completed',
        cache: { outcome: 'hit', tier: 'exact', entry_id: entryId },
      });
    } finally {
      publish.mockRestore();
    }
  });

  it("never answers another tenant's repeat of the question from it", async () => {
    const text = `Where are invoices kept? ${randomUUID()}`;
    await ask(s.keys.main.key, text);
    await storeAnswerTo(text, 'in billing');
    const other = await ask(s.keys.other.key, text);
    expect(other.headers.get('x-deja-cache')).toBe('miss');
    expect((other.body['choices'] as Array<{ message: { content: string } }>)[0].message.content).toBe(
      `answer to: ${text}`,
    );
  });
});
