import { randomUUID } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

/** A running Deja, embedded or distributed, as its users see it: a URL and two keys. */
export interface DejaTarget {
  url: string;
  apiKey: string;
  adminKey: string;
  /** The tenant the API key belongs to. */
  tenant: string;
}

interface JobView {
  status: string;
  answer: { content: string; simulated?: boolean } | null;
  cache: { outcome: string; tier: string | null; similarity: number | null; threshold: number | null; entry_id: string | null };
  cost: { usd: number; uncached_usd: number; saved_usd: number };
}

/**
 * The public contract of Deja — REST jobs, the OpenAI- and Anthropic-compatible endpoints and
 * invalidation — written once and run against every way of running it.
 */
export function describeContract(name: string, lifecycle: { start: () => Promise<DejaTarget>; stop: () => Promise<void> }): void {
  describe(`Deja contract: ${name}`, () => {
    let t: DejaTarget;
    const run = randomUUID().slice(0, 8);
    const namespace = `contract-${run}`;
    const auth = () => ({ authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' });
    const admin = () => ({ authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' });

    beforeAll(async () => {
      t = await lifecycle.start();
    });
    afterAll(async () => {
      await lifecycle.stop();
    });

    async function job(question: string, deja: Record<string, unknown> = {}): Promise<JobView> {
      const res = await fetch(`${t.url}/v1/jobs`, {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify({ provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], deja: { namespace, ...deja } }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      for (let i = 0; i < 10; i++) {
        const body = (await (await fetch(`${t.url}/v1/jobs/${id}?wait=20`, { headers: auth() })).json()) as JobView;
        if (body.status !== 'queued') return body;
      }
      throw new Error(`job ${id} never finished`);
    }

    /** Asks until the answer is no longer a hit (invalidation is applied asynchronously). */
    async function untilMiss(question: string, deja: Record<string, unknown> = {}): Promise<JobView> {
      const deadline = Date.now() + 30000;
      for (;;) {
        const j = await job(question, deja);
        if (j.cache.outcome !== 'hit' || Date.now() > deadline) return j;
        await new Promise((r) => setTimeout(r, 300));
      }
    }

    it('jobs API: answers from the provider, then a paraphrase from the cache at no cost', async () => {
      const first = await job(`How do I reset my password? (${run})`);
      expect(first).toMatchObject({ status: 'completed', cache: { outcome: 'miss' } });
      expect(first.cost.usd).toBeGreaterThan(0);
      const second = await job(`How can I reset my password? (${run})`);
      expect(second).toMatchObject({ status: 'completed', cache: { outcome: 'hit', tier: 'semantic' } });
      expect(second.answer?.content).toBe(first.answer?.content);
      expect(second.cost.usd).toBe(0);
      expect(second.cost.saved_usd).toBeGreaterThan(0);
    });

    it('refuses a request without a key (401) and an invalid body with the field (400)', async () => {
      expect((await fetch(`${t.url}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
      const bad = await fetch(`${t.url}/v1/jobs`, { method: 'POST', headers: auth(), body: JSON.stringify({ provider: 'openai', model: 'gpt-4o-mini', messages: 'not a list' }) });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('messages');
    });

    it('OpenAI-compatible endpoint: the official SDK gets a miss, then an exact hit, streamed too', async () => {
      const openai = new OpenAI({ apiKey: t.apiKey, baseURL: `${t.url}/v1`, maxRetries: 0 });
      const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `Which plans include SSO? (${run})` }], deja: { namespace } } as OpenAI.ChatCompletionCreateParamsNonStreaming;
      const first = await openai.chat.completions.create(body).withResponse();
      expect(first.response.headers.get('x-deja-cache')).toBe('miss');
      const stream = await openai.chat.completions.create({ ...body, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming).withResponse();
      expect(stream.response.headers.get('x-deja-cache')).toBe('hit');
      let text = '';
      for await (const chunk of stream.data) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe(first.data.choices[0].message.content);
    });

    it('Anthropic-compatible endpoint: the official SDK gets a miss, then a hit', async () => {
      const anthropic = new Anthropic({ apiKey: t.apiKey, baseURL: t.url, maxRetries: 0 });
      const body = { model: 'claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user' as const, content: `Can I export my data as CSV? (${run})` }], deja: { namespace } } as Anthropic.MessageCreateParamsNonStreaming;
      const first = await anthropic.messages.create(body).withResponse();
      expect(first.response.headers.get('x-deja-cache')).toBe('miss');
      const again = await anthropic.messages.create(body).withResponse();
      expect(again.response.headers.get('x-deja-cache')).toBe('hit');
      expect(again.data.content).toEqual(first.data.content);
    });

    it('invalidation: a document change retires the answers built from it, and only those', async () => {
      const doc = `handbook-${run}`;
      const withDoc = `What does the handbook say about remote work? (${run})`;
      const without = `What are your support hours? (${run})`;
      await job(withDoc, { context_docs: [{ id: doc }] });
      await job(without);
      expect((await job(withDoc, { context_docs: [{ id: doc }] })).cache.outcome).toBe('hit');
      const res = await fetch(`${t.url}/v1/admin/doc-changes`, { method: 'POST', headers: admin(), body: JSON.stringify({ tenant: t.tenant, doc_id: doc, change: 'updated' }) });
      expect(res.status).toBe(202);
      expect((await untilMiss(withDoc, { context_docs: [{ id: doc }] })).cache.outcome).toBe('miss');
      expect((await job(without)).cache.outcome).toBe('hit');
    });

    it('invalidation: a namespace version bump retires the namespace’s answers', async () => {
      const q = `How do I add a team member? (${run})`;
      await job(q);
      expect((await job(q)).cache.outcome).toBe('hit');
      const res = await fetch(`${t.url}/v1/admin/invalidations`, { method: 'POST', headers: admin(), body: JSON.stringify({ tenant: t.tenant, action: 'bump_namespace', namespace }) });
      expect(res.status).toBe(202);
      expect((await untilMiss(q)).cache.outcome).toBe('miss');
    });
  });
}
