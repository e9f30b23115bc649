import { Client } from 'pg';
import type { JobView, Submission } from './load';
import { infra } from './stack';

/** A fault the run injected, with when it started and when the service was healthy again. */
export interface FaultRecord {
  phase: string;
  injectedAt: number;
  /** When the faulted part was healthy again (or the fault was lifted). */
  recoveredAt: number;
  restartMs?: number;
}

/** Per-fault counts. `lost` and `duplicated` must be 0. */
export interface PhaseStats {
  phase: string;
  submitted: number;
  refused: Record<string, number>;
  accepted: number;
  completed: number;
  failed_with_reason: number;
  failed_without_reason: number;
  failure_codes: Record<string, number>;
  lost: number;
  duplicated: number;
  cache_hits: number;
  /** Seconds from the fault to the first completed job submitted after it. */
  time_to_recover_s: number | null;
  restart_ms: number | null;
}

/** Database-level checks over everything the run stored for its tenant. */
export interface StoreChecks {
  entries: number;
  /** (tenant, request_id) pairs stored more than once: must be empty. */
  duplicate_request_entries: number;
  /** Live (scope, query) pairs with more than one entry, and how many entries they hold. */
  same_query_groups: number;
  same_query_entries: number;
  /** ...of which from one burst question (identical misses racing before the first was stored). */
  same_query_burst_groups: number;
  /** Entries whose job failed, or whose answer is not a simulator answer: must be 0. */
  errors_cached: number;
  /** Jobs of this tenant in the database but never acknowledged with 202 (killed mid-request). */
  unacknowledged_jobs: number;
}

export function phaseStats(
  phase: string,
  subs: Submission[],
  views: Map<string, JobView | undefined>,
  fault: FaultRecord | undefined,
  duplicatedIds: Set<string>,
): PhaseStats {
  const mine = subs.filter((s) => s.phase === phase);
  const refused: Record<string, number> = {};
  const failureCodes: Record<string, number> = {};
  let completed = 0;
  let failedWithReason = 0;
  let failedWithout = 0;
  let lost = 0;
  let hits = 0;
  let duplicated = 0;
  let firstOk: number | null = null;
  for (const s of mine) {
    if (!s.id) {
      refused[s.refusal ?? 'unknown'] = (refused[s.refusal ?? 'unknown'] ?? 0) + 1;
      continue;
    }
    if (duplicatedIds.has(s.id)) duplicated++;
    const v = views.get(s.id);
    if (!v || v.status === 'queued') {
      lost++;
      continue;
    }
    if (v.status === 'completed') {
      completed++;
      if (v.cache?.outcome === 'hit') hits++;
      const at = v.completed_at ? Date.parse(v.completed_at) : NaN;
      if (fault && s.submittedAt >= fault.injectedAt && Number.isFinite(at) && (firstOk === null || at < firstOk))
        firstOk = at;
    } else if (v.error?.code && v.error.message) {
      failedWithReason++;
      failureCodes[v.error.code] = (failureCodes[v.error.code] ?? 0) + 1;
    } else failedWithout++;
  }
  return {
    phase,
    submitted: mine.length,
    refused,
    accepted: mine.filter((s) => s.id).length,
    completed,
    failed_with_reason: failedWithReason,
    failed_without_reason: failedWithout,
    failure_codes: failureCodes,
    lost,
    duplicated,
    cache_hits: hits,
    time_to_recover_s: fault && firstOk !== null ? Math.round((firstOk - fault.injectedAt) / 100) / 10 : null,
    restart_ms: fault?.restartMs ?? null,
  };
}

/** Runs the SQL checks for the run's tenant; returns them and the request ids stored twice. */
export async function storeChecks(
  tenant: string,
  acceptedIds: Set<string>,
): Promise<{ checks: StoreChecks; duplicatedIds: Set<string> }> {
  const db = new Client({ connectionString: infra.databaseUrl });
  await db.connect();
  try {
    const one = async (sql: string, params: unknown[] = [tenant]) => (await db.query(sql, params)).rows;
    const dupRows = await one(
      'SELECT tenant, request_id, count(*)::int AS n FROM cache_entries WHERE tenant = $1 GROUP BY 1, 2 HAVING count(*) > 1',
    );
    const same = await one(
      `SELECT scope_hash, query_hash, count(*)::int AS n, bool_or(query_text LIKE '%burst question%') AS burst
         FROM cache_entries WHERE tenant = $1 AND retired_at IS NULL GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    const [{ n: entries }] = await one('SELECT count(*)::int AS n FROM cache_entries WHERE tenant = $1');
    const [{ n: errors }] = await one(
      `SELECT count(*)::int AS n FROM cache_entries e LEFT JOIN jobs j ON j.id = e.request_id AND j.tenant = e.tenant
        WHERE e.tenant = $1 AND (j.status = 'failed' OR coalesce(e.answer->>'content', '') NOT LIKE 'Simulated answer to:%')`,
    );
    const jobIds = (await one('SELECT id FROM jobs WHERE tenant = $1')).map((r) => String(r.id));
    return {
      duplicatedIds: new Set(dupRows.map((r) => String(r.request_id))),
      checks: {
        entries,
        duplicate_request_entries: dupRows.length,
        same_query_groups: same.length,
        same_query_entries: same.reduce((a, r) => a + Number(r.n), 0),
        same_query_burst_groups: same.filter((r) => r.burst).length,
        errors_cached: errors,
        unacknowledged_jobs: jobIds.filter((id) => !acceptedIds.has(id)).length,
      },
    };
  } finally {
    await db.end();
  }
}

/** The per-fault table, in Markdown. */
export function table(stats: PhaseStats[]): string {
  const head =
    '| fault | submitted | refused | accepted | completed | failed (reason) | lost | duplicated | hits | recover (s) | restart (ms) |';
  const rule = '|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|';
  const rows = stats.map((s) => {
    const refused =
      Object.entries(s.refused)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || '0';
    const failed = `${s.failed_with_reason}${
      Object.keys(s.failure_codes).length
        ? ` (${Object.entries(s.failure_codes)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')})`
        : ''
    }${s.failed_without_reason ? ` + ${s.failed_without_reason} without reason` : ''}`;
    return `| ${s.phase} | ${s.submitted} | ${refused} | ${s.accepted} | ${s.completed} | ${failed} | ${s.lost} | ${s.duplicated} | ${s.cache_hits} | ${s.time_to_recover_s ?? '–'} | ${s.restart_ms ?? '–'} |`;
  });
  return [head, rule, ...rows].join('\n');
}
