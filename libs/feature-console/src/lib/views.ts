import { NearCandidate } from '@deja/contracts';
import type { DecisionRow, EntryRow, InvalidationRow } from './console.repository';

/** Longest question shown in a list row; the why view has it whole. */
const LIST_QUESTION_CHARS = 200;

/** The text of the last user message: the question the cache decided on. */
export function questionOf(request: DecisionRow['request']): string {
  const messages = Array.isArray(request.request?.messages) ? (request.request.messages as unknown[]) : [];
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m?.role === 'user') return textOf(m.content);
  }
  return '';
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) =>
      typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string'
        ? (p as { text: string }).text
        : '',
    )
    .join('');
}

function round4(value: unknown): number | null {
  return typeof value === 'number' ? Math.round(value * 10_000) / 10_000 : null;
}

/**
 * One row of the Decisions page. A miss's nearest similarity and probability are shown to the
 * admin only, as on the job API (`visibleSimilarity`): with a tenant key they would let a
 * tenant's user probe what others of the tenant asked. The near candidates (other entries'
 * questions and similarities) follow the same rule: admin only.
 */
export function decisionView(row: DecisionRow, admin: boolean): Record<string, unknown> {
  const c = row.result?.cache ?? {};
  const hit = c['outcome'] === 'hit';
  const question = questionOf(row.request);
  return {
    id: row.id,
    tenant: row.tenant,
    created_at: row.created_at.toISOString(),
    latency_ms: row.completed_at ? row.completed_at.getTime() - row.created_at.getTime() : null,
    namespace: row.request.cache?.['namespace'] ?? 'default',
    model: row.request.request?.model ?? null,
    status: row.status,
    outcome: row.status === 'completed' ? (c['outcome'] ?? null) : row.status,
    tier: c['tier'] ?? null,
    coalesced: c['coalesced'] === true,
    similarity: hit || admin ? round4(c['similarity']) : null,
    threshold: round4(c['threshold']),
    probability: hit || admin ? round4(c['probability']) : null,
    target_false_hit_rate: c['target_false_hit_rate'] ?? null,
    rejected_by: c['rejected_by'] ?? null,
    entry_id: c['entry_id'] ?? null,
    saved_usd: row.result?.cost?.saved_usd ?? 0,
    error: row.error ?? null,
    question: question.length > LIST_QUESTION_CHARS ? `${question.slice(0, LIST_QUESTION_CHARS)}…` : question,
    candidates: admin ? candidatesOf(c['candidates']) : null,
  };
}

/** The decision's near candidates as stored with its result (absent before results carried them). */
function candidatesOf(value: unknown): NearCandidate[] {
  return Array.isArray(value) ? value.filter((c) => NearCandidate.safeParse(c).success) : [];
}

/** The fields that had to match for a stored answer to be reused (the cache scope). */
export function scopeOf(row: DecisionRow): Record<string, unknown> {
  const r = row.request.request ?? {};
  const cache = row.request.cache ?? {};
  return {
    tenant: row.tenant,
    namespace: cache['namespace'] ?? 'default',
    provider: r.provider ?? null,
    model: r.model ?? null,
    system_prompt: r.system !== undefined && r.system !== null,
    tools: Array.isArray(r.tools) ? r.tools.length : 0,
    personal: cache['personal'] === true,
    context_docs: cache['context_docs'] ?? [],
  };
}

export function entryView(e: EntryRow, now = Date.now()): Record<string, unknown> {
  return {
    id: e.id,
    tenant: e.tenant,
    namespace: e.namespace,
    question: e.query_text,
    model: e.model,
    hits: e.hit_count,
    created_at: e.created_at.toISOString(),
    age_seconds: Math.max(0, Math.round((now - e.created_at.getTime()) / 1000)),
    last_hit_at: e.last_hit_at?.toISOString() ?? null,
    ttl_seconds: e.ttl_seconds,
    expires_at: e.expires_at.toISOString(),
    retired_at: e.retired_at?.toISOString() ?? null,
    documents: e.doc_ids.map((id) => ({ id, version: e.doc_versions[id] ?? null })),
    namespace_version: e.namespace_version,
    personal: e.personal,
  };
}

/** One audit record; `took_ms` is from the command's `at` (when it was sent) to when it was applied. */
export function invalidationView(r: InvalidationRow): Record<string, unknown> {
  const sent = typeof r.payload['at'] === 'string' ? Date.parse(r.payload['at']) : Number.NaN;
  const { at: _at, event_id: _id, tenant: _tenant, ...selector } = r.payload;
  return {
    tenant: r.tenant,
    event_id: r.event_id,
    cause: r.cause,
    selector,
    entries_retired: r.entries_retired,
    new_version: r.new_version,
    applied_at: r.applied_at.toISOString(),
    took_ms: Number.isFinite(sent) ? Math.max(0, r.applied_at.getTime() - sent) : null,
    audited: r.published_at !== null,
  };
}
