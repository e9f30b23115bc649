import type { DecisionRow } from './console.repository';
import { totals } from './overview';
import { decisionView, invalidationView, questionOf } from './views';

const row = (cache: Record<string, unknown>): DecisionRow => ({
  id: 'j1',
  tenant: 'acme',
  status: 'completed',
  request: {
    request: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'How do I ' },
            { type: 'text', text: 'reset it?' },
          ],
        },
      ],
    },
    cache: { namespace: 'faq' },
  },
  result: { cache, cost: { saved_usd: 0.001 } },
  error: null,
  created_at: new Date('2026-12-01T00:00:00Z'),
  completed_at: new Date('2026-12-01T00:00:00.045Z'),
});

describe('console views', () => {
  it('takes the question from the last user message, text parts joined', () => {
    expect(questionOf(row({}).request)).toBe('How do I reset it?');
  });

  it('shows a miss’s nearest similarity to the admin only, as the job API does', () => {
    const miss = row({ outcome: 'miss', tier: null, similarity: 0.91234, threshold: 0.96, entry_id: 'e1' });
    expect(decisionView(miss, false)).toMatchObject({ outcome: 'miss', similarity: null, latency_ms: 45 });
    expect(decisionView(miss, true)).toMatchObject({ similarity: 0.9123 });
    const hit = row({ outcome: 'hit', tier: 'semantic', similarity: 0.97, threshold: null, entry_id: 'e1' });
    expect(decisionView(hit, false)).toMatchObject({
      outcome: 'hit',
      tier: 'semantic',
      similarity: 0.97,
      namespace: 'faq',
    });
  });

  it('reports how long an invalidation took from when it was sent to when it was applied', () => {
    const view = invalidationView({
      tenant: 'acme',
      event_id: 'ev',
      cause: 'purge_entry',
      payload: {
        event_id: 'ev',
        tenant: 'acme',
        at: '2026-12-01T00:00:00.000Z',
        action: 'purge_entry',
        entry_id: 'e1',
      },
      entries_retired: 1,
      new_version: null,
      applied_at: new Date('2026-12-01T00:00:00.120Z'),
      published_at: null,
    });
    expect(view).toMatchObject({ took_ms: 120, selector: { action: 'purge_entry', entry_id: 'e1' }, audited: false });
  });

  it('counts hits and coalesced misses as provider calls avoided, and no hit rate without requests', () => {
    const bucket = {
      bucket: new Date(),
      requests: 10,
      exact_hits: 2,
      semantic_hits: 3,
      coalesced: 1,
      saved_usd: 0.5,
      saved_usd_cache: 0.4,
      saved_usd_prompt_cache: 0.1,
      saved_tokens: 100,
      prompt_cache_read_tokens: 0,
      hit_p50_ms: 10,
      hit_p99_ms: 20,
      miss_p50_ms: 300,
      miss_p99_ms: 900,
    };
    expect(totals([bucket, bucket])).toMatchObject({
      requests: 20,
      hit_rate: 0.5,
      exact_hit_rate: 0.2,
      provider_calls_avoided: 12,
      saved_usd: 1,
    });
    expect(totals([]).hit_rate).toBeNull();
  });
});
