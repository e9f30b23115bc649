import { randomUUID } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { streamOpenAI } from '../integration/support/sdk-stream';

/** A running Deja, embedded or distributed, as its users see it: a URL and two keys. */
export interface DejaTarget {
  url: string;
  apiKey: string;
  adminKey: string;
  /** The tenant the API key belongs to. */
  tenant: string;
}

interface JobView {
  id: string;
  status: string;
  answer: { content: string; simulated?: boolean } | null;
  cache: {
    outcome: string;
    tier: string | null;
    similarity: number | null;
    threshold: number | null;
    entry_id: string | null;
  };
  cost: { usd: number; uncached_usd: number; saved_usd: number };
}

/**
 * The public contract of Deja — REST jobs, the OpenAI- and Anthropic-compatible endpoints and
 * invalidation — written once and run against every way of running it.
 */
export function describeContract(
  name: string,
  lifecycle: { start: () => Promise<DejaTarget>; stop: () => Promise<void> },
): void {
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

    async function job(question: string, deja: Record<string, unknown> = {}, key?: string): Promise<JobView> {
      const { id } = await submit(question, deja, key);
      return finished(id, key);
    }

    async function submit(question: string, deja: Record<string, unknown> = {}, key?: string): Promise<{ id: string }> {
      const res = await fetch(`${t.url}/v1/jobs`, {
        method: 'POST',
        headers: key ? { authorization: `Bearer ${key}`, 'content-type': 'application/json' } : auth(),
        body: JSON.stringify({
          provider: 'openai',
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: question }],
          deja: { namespace, ...deja },
        }),
      });
      expect(res.status).toBe(202);
      return (await res.json()) as { id: string };
    }

    async function finished(id: string, key?: string): Promise<JobView> {
      const headers = key ? { authorization: `Bearer ${key}` } : auth();
      for (let i = 0; i < 10; i++) {
        const body = (await (await fetch(`${t.url}/v1/jobs/${id}?wait=20`, { headers })).json()) as JobView;
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
      // The result carried the nearest candidates (deja.results.v1 cache.candidates), stored with the
      // job: the console's why view lists them to the admin; the job API does not show them.
      expect(second.cache).not.toHaveProperty('candidates');
      const why = (await (await fetch(`${t.url}/v1/console/decisions/${second.id}`, { headers: admin() })).json()) as {
        candidates: { entry_id: string; question: string; similarity: number }[];
      };
      expect(why.candidates).toContainEqual(
        expect.objectContaining({ entry_id: first.cache.entry_id, question: `How do I reset my password? (${run})` }),
      );
    });

    it('refuses a request without a key (401) and an invalid body with the field (400)', async () => {
      expect(
        (
          await fetch(`${t.url}/v1/jobs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          })
        ).status,
      ).toBe(401);
      const bad = await fetch(`${t.url}/v1/jobs`, {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify({ provider: 'openai', model: 'gpt-4o-mini', messages: 'not a list' }),
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('messages');
    });

    it('answers unknown routes and undecodable ids in the documented error envelope', async () => {
      const unknown = await fetch(`${t.url}/v1/nothing-here`, { headers: auth() });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { type: 'not_found', code: 'not_found' } });
      const undecodable = await fetch(`${t.url}/v1/jobs/%ff`, { headers: auth() });
      expect(undecodable.status).toBeGreaterThanOrEqual(400);
      expect(undecodable.status).toBeLessThan(500);
      expect(await undecodable.json()).toMatchObject({ error: { code: expect.any(String) } });
    });

    it('OpenAI-compatible endpoint: the official SDK gets a miss, then an exact hit, streamed too', async () => {
      const openai = new OpenAI({ apiKey: t.apiKey, baseURL: `${t.url}/v1`, maxRetries: 0 });
      const body = {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user' as const, content: `Which plans include SSO? (${run})` }],
        deja: { namespace },
      } as OpenAI.ChatCompletionCreateParamsNonStreaming;
      const first = await openai.chat.completions.create(body).withResponse();
      expect(first.response.headers.get('x-deja-cache')).toBe('miss');
      const streamed = await streamOpenAI(openai, body);
      expect(streamed).toEqual({ cache: 'hit', text: first.data.choices[0].message.content });
    });

    it('Anthropic-compatible endpoint: the official SDK gets a miss, then a hit', async () => {
      const anthropic = new Anthropic({ apiKey: t.apiKey, baseURL: t.url, maxRetries: 0 });
      const body = {
        model: 'claude-sonnet-4-6',
        max_tokens: 200,
        messages: [{ role: 'user' as const, content: `Can I export my data as CSV? (${run})` }],
        deja: { namespace },
      } as Anthropic.MessageCreateParamsNonStreaming;
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
      const res = await fetch(`${t.url}/v1/admin/doc-changes`, {
        method: 'POST',
        headers: admin(),
        body: JSON.stringify({ tenant: t.tenant, doc_id: doc, change: 'updated' }),
      });
      expect(res.status).toBe(202);
      expect((await untilMiss(withDoc, { context_docs: [{ id: doc }] })).cache.outcome).toBe('miss');
      expect((await job(without)).cache.outcome).toBe('hit');
    });

    it('invalidation: a namespace version bump retires the namespace’s answers', async () => {
      const q = `How do I add a team member? (${run})`;
      await job(q);
      expect((await job(q)).cache.outcome).toBe('hit');
      const res = await fetch(`${t.url}/v1/admin/invalidations`, {
        method: 'POST',
        headers: admin(),
        body: JSON.stringify({ tenant: t.tenant, action: 'bump_namespace', namespace }),
      });
      expect(res.status).toBe(202);
      expect((await untilMiss(q)).cache.outcome).toBe('miss');
    });

    it('feedback: a wrong verdict retires the entry at once, the next ask misses; another tenant gets 404', async () => {
      const q = `Where do I download my invoices? (${run})`;
      const first = await job(q);
      const hit = await job(q);
      expect(hit.cache.outcome).toBe('hit');
      // Another tenant cannot see, judge or retire it.
      const other = await fetch(`${t.url}/v1/admin/tenants`, {
        method: 'POST',
        headers: admin(),
        body: JSON.stringify({ id: `feedback-other-${run}` }),
      });
      const otherKey = ((await other.json()) as { api_key: string }).api_key;
      const post = (body: unknown, key?: string) =>
        fetch(`${t.url}/v1/feedback`, {
          method: 'POST',
          headers: key ? { authorization: `Bearer ${key}`, 'content-type': 'application/json' } : auth(),
          body: JSON.stringify(body),
        });
      expect((await post({ job_id: hit.id, wrong: true }, otherKey)).status).toBe(404);
      expect((await post({ entry_id: hit.cache.entry_id, wrong: true }, otherKey)).status).toBe(404);
      expect((await job(q)).cache.outcome).toBe('hit');
      // A bad body names its field.
      const bad = await post({ job_id: hit.id, entry_id: hit.cache.entry_id, wrong: true });
      expect(bad.status).toBe(400);
      // A right verdict is recorded and retires nothing; a wrong one retires the entry that answered.
      const right = await post({ job_id: first.id, wrong: false });
      expect(right.status).toBe(202);
      expect(await right.json()).toMatchObject({ wrong: false, retired: false, entry_id: hit.cache.entry_id });
      const wrong = await post({ job_id: hit.id, wrong: true, note: 'the invoices moved to Billing' });
      expect(wrong.status).toBe(202);
      const verdict = (await wrong.json()) as { retired: boolean; entry_id: string; event_id: string };
      expect(verdict).toMatchObject({ retired: true, entry_id: hit.cache.entry_id });
      expect((await untilMiss(q)).cache.outcome).toBe('miss');
      // Audited like an operator's purge.
      const deadline = Date.now() + 30000;
      let status = 404;
      while (status === 404 && Date.now() < deadline) {
        status = (await fetch(`${t.url}/v1/admin/invalidations/${verdict.event_id}`, { headers: admin() })).status;
        if (status === 404) await new Promise((r) => setTimeout(r, 300));
      }
      expect(status).toBe(200);
    });

    describe('erasure', () => {
      const tenant = `erase-${run}`;
      let key: string;
      const erase = (path: string) =>
        fetch(`${t.url}/v1/admin/tenants/${path}`, { method: 'DELETE', headers: admin() });

      beforeAll(async () => {
        const res = await fetch(`${t.url}/v1/admin/tenants`, {
          method: 'POST',
          headers: admin(),
          body: JSON.stringify({ id: tenant }),
        });
        expect(res.status).toBe(201);
        key = ((await res.json()) as { api_key: string }).api_key;
      });

      it('erasing a user deletes their jobs and answers, and nobody else’s', async () => {
        const personal = `What did I write in my last note? (${run})`;
        const shared = `What is the refund window for annual plans? (${run})`;
        const bobs = `How do I change my billing email? (${run})`;
        const alice1 = await submit(personal, { namespace, user: 'alice', personal: true }, key);
        expect((await finished(alice1.id, key)).cache.outcome).toBe('miss');
        expect((await job(personal, { namespace, user: 'alice', personal: true }, key)).cache.outcome).toBe('hit');
        const alice2 = await submit(shared, { namespace, user: 'alice' }, key);
        await finished(alice2.id, key);
        const bob = await submit(bobs, { namespace, user: 'bob' }, key);
        await finished(bob.id, key);

        const res = await erase(`${tenant}/users/alice`);
        expect(res.status).toBe(200);
        const report = (await res.json()) as { scope: string; deleted: Record<string, number> };
        expect(report.scope).toBe('user');
        expect(report.deleted.jobs).toBe(3);
        expect(report.deleted.cache_entries).toBe(2);
        expect(JSON.stringify(report)).not.toContain('alice');

        for (const id of [alice1.id, alice2.id])
          expect((await fetch(`${t.url}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(
            404,
          );
        // Her answers are gone: her personal question and the shared one she asked are misses again.
        expect((await job(personal, { namespace, user: 'alice', personal: true }, key)).cache.outcome).toBe('miss');
        expect((await job(shared, { namespace, user: 'carol' }, key)).cache.outcome).toBe('miss');
        // Bob's job and answer are untouched.
        expect(
          (await fetch(`${t.url}/v1/jobs/${bob.id}`, { headers: { authorization: `Bearer ${key}` } })).status,
        ).toBe(200);
        expect((await job(bobs, { namespace, user: 'bob' }, key)).cache.outcome).toBe('hit');
      });

      it('refuses a bad user id (400 with the field) and tenant keys (403)', async () => {
        const bad = await erase(`${tenant}/users/%00`);
        expect(bad.status).toBe(400);
        expect(JSON.stringify(await bad.json())).toContain('user');
        expect(
          (
            await fetch(`${t.url}/v1/admin/tenants/${tenant}`, {
              method: 'DELETE',
              headers: { authorization: `Bearer ${key}` },
            })
          ).status,
        ).toBe(403);
        expect((await erase(`${tenant}?keep_account=maybe`)).status).toBe(400);
      });

      it('erasing a tenant deletes its data and its keys; repeating it deletes nothing more', async () => {
        const res = await erase(tenant);
        expect(res.status).toBe(200);
        const report = (await res.json()) as { deleted: Record<string, number> };
        expect(report.deleted).toMatchObject({ tenants: 1, api_keys: 1 });
        expect(report.deleted.jobs).toBeGreaterThanOrEqual(3);
        expect(report.deleted.cache_entries).toBeGreaterThanOrEqual(2);
        expect(
          (
            await fetch(`${t.url}/v1/jobs`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: '{}',
            })
          ).status,
        ).toBe(401);
        const again = (await (await erase(tenant)).json()) as { deleted: Record<string, number> };
        expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
        // The contract's own tenant is untouched.
        expect((await fetch(`${t.url}/v1/jobs`, { method: 'POST', headers: auth(), body: '{}' })).status).toBe(400);
      });
    });
  });
}
