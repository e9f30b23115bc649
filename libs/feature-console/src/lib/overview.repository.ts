import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL, withTransaction } from '@deja/data-access-postgres';
import { latencyBucketSql, percentile, type Histogram, type OverviewWindow } from './overview';

/** Buckets are counted from a fixed instant in UTC, so they do not move with the session's time zone. */
const ORIGIN = `TIMESTAMPTZ '2000-01-01 00:00:00+00'`;
/**
 * An hour is rolled up this long after it ends: a job's `completed_at` is its completing
 * statement's start, which commits a moment later — a job of 10:59:59 may appear at 11:00:01.
 */
const ROLLUP_GRACE = '5 minutes';

/**
 * What the Overview counts of each completed job, written once for the roll-up and the live part
 * so both give the same numbers. Counted in the hour the job completed (final once the hour is over).
 */
const COMPLETED_JOBS = `
  SELECT tenant, COALESCE(request -> 'cache' ->> 'namespace', '') AS namespace, completed_at,
         result -> 'cache' ->> 'outcome' AS outcome, result -> 'cache' ->> 'tier' AS tier,
         (result -> 'cache' ->> 'coalesced')::boolean AS coalesced,
         COALESCE((result -> 'cost' ->> 'saved_usd')::float8, 0) AS saved_usd,
         COALESCE((result -> 'saved_usage' ->> 'input_tokens')::float8, 0)
           + COALESCE((result -> 'saved_usage' ->> 'output_tokens')::float8, 0) AS saved_tokens,
         COALESCE((result -> 'usage' ->> 'cache_read_tokens')::float8, 0) AS prompt_cache_read_tokens,
         ${latencyBucketSql('extract(epoch FROM completed_at - created_at) * 1000')} AS latency_bucket
    FROM jobs WHERE status = 'completed'`;

/** The counters of a set of completed jobs. */
const COUNTERS = `
  count(*)::int AS requests,
  count(*) FILTER (WHERE outcome = 'hit' AND tier = 'exact')::int AS exact_hits,
  count(*) FILTER (WHERE outcome = 'hit' AND tier = 'semantic')::int AS semantic_hits,
  count(*) FILTER (WHERE outcome = 'miss' AND coalesced IS TRUE)::int AS coalesced,
  COALESCE(sum(saved_usd), 0)::float8 AS saved_usd,
  -- A hit or a coalesced miss saved the whole call; any other miss only what the provider's
  -- prompt cache took off its price (docs/prompt-caching.md: saved_usd).
  COALESCE(sum(saved_usd) FILTER (WHERE outcome = 'hit' OR coalesced IS TRUE), 0)::float8 AS saved_usd_cache,
  COALESCE(sum(saved_usd) FILTER (WHERE outcome <> 'hit' AND coalesced IS NOT TRUE), 0)::float8 AS saved_usd_prompt_cache,
  COALESCE(sum(saved_tokens), 0)::float8 AS saved_tokens,
  COALESCE(sum(prompt_cache_read_tokens), 0)::float8 AS prompt_cache_read_tokens`;

const INT_COUNTERS = ['requests', 'exact_hits', 'semantic_hits', 'coalesced'];
const FLOAT_COUNTERS = [
  'saved_usd',
  'saved_usd_cache',
  'saved_usd_prompt_cache',
  'saved_tokens',
  'prompt_cache_read_tokens',
];
/** Counters of several groups merged. */
const SUMS = [
  ...INT_COUNTERS.map((c) => `sum(${c})::int AS ${c}`),
  ...FLOAT_COUNTERS.map((c) => `sum(${c})::float8 AS ${c}`),
].join(', ');
const COUNTER_COLUMNS = [...INT_COUNTERS, ...FLOAT_COUNTERS].join(', ');

/**
 * The Overview's aggregates. Closed hours are rolled up once into `console_hourly` (counters) and
 * `console_latency_hourly` (latency histograms) by `rollUp`, which a timer calls (`OverviewRollup`);
 * a day or a week then reads at most 168 rows per namespace plus the raw jobs completed since the
 * last rolled-up hour. Why periodic rather than in the statement that completes a job: every
 * completion of a tenant's namespace in one hour would update the same row, so completions would
 * queue on its lock on the request path; the roll-up reads closed hours once, off that path. The
 * Overview is exact either way: what is not rolled up yet is read live.
 */
@Injectable()
export class OverviewRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Rolls up the closed hours after the last one rolled up, at most `maxHours` of them; returns
   * how many it rolled up (0: caught up). Safe on every replica: the state row is locked, so a
   * second replica waits and then finds the hours done.
   */
  async rollUp(maxHours = 24): Promise<number> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<{ from: Date | null; until: Date | null; hours: number }>(
        `WITH s AS (SELECT rolled_until FROM console_rollup_state FOR UPDATE),
              t AS (SELECT date_bin('1 hour', now() - interval '${ROLLUP_GRACE}', ${ORIGIN}) AS target),
              f AS (SELECT COALESCE(s.rolled_until,
                             (SELECT date_bin('1 hour', min(completed_at), ${ORIGIN}) FROM jobs WHERE status = 'completed'),
                             t.target) AS from_hour, t.target FROM s, t)
         SELECT from_hour AS from, least(target, from_hour + make_interval(hours => $1::int)) AS until,
                GREATEST(0, extract(epoch FROM least(target, from_hour + make_interval(hours => $1::int)) - from_hour) / 3600)::int AS hours
           FROM f`,
        [maxHours],
      );
      const step = rows[0];
      if (!step?.from || !step.until || step.hours === 0) return 0;
      const range = [step.from, step.until];
      await db.query(
        `INSERT INTO console_hourly (tenant, namespace, hour, ${COUNTER_COLUMNS})
         SELECT tenant, namespace, date_bin('1 hour', completed_at, ${ORIGIN}), ${COUNTERS}
           FROM (${COMPLETED_JOBS} AND completed_at >= $1 AND completed_at < $2) j GROUP BY 1, 2, 3`,
        range,
      );
      await db.query(
        `INSERT INTO console_latency_hourly (tenant, namespace, hour, hit, bucket, requests)
         SELECT tenant, namespace, date_bin('1 hour', completed_at, ${ORIGIN}), outcome = 'hit', latency_bucket, count(*)::int
           FROM (${COMPLETED_JOBS} AND completed_at >= $1 AND completed_at < $2) j
          WHERE outcome IS NOT NULL GROUP BY 1, 2, 3, 4, 5`,
        range,
      );
      await db.query('UPDATE console_rollup_state SET rolled_until = $1', [step.until]);
      return step.hours;
    });
  }

  /** Completed jobs of the window in buckets: outcomes, savings and latency percentiles. */
  async overview(tenant: string | undefined, namespace: string | undefined, w: OverviewWindow): Promise<OverviewRow[]> {
    const span = await this.span(w);
    const params = [tenant ?? null, namespace ?? null, w.bucket, span.start, span.split];
    const rollupScope = `h.hour >= $4 AND h.hour < $5 AND ($1::text IS NULL OR h.tenant = $1) AND ($2::text IS NULL OR h.namespace = $2)`;
    const live = `(${COMPLETED_JOBS} AND completed_at >= $5 AND ($1::text IS NULL OR tenant = $1)
                     AND ($2::text IS NULL OR request -> 'cache' ->> 'namespace' = $2)) j`;
    const [counters, latencies] = await Promise.all([
      this.pool.query<CounterRow>(
        `SELECT bucket, ${SUMS} FROM (
           SELECT date_bin($3::interval, completed_at, ${ORIGIN}) AS bucket, ${COUNTERS} FROM ${live} GROUP BY 1
           UNION ALL
           SELECT date_bin($3::interval, h.hour, ${ORIGIN}), ${SUMS} FROM console_hourly h WHERE ${rollupScope} GROUP BY 1
         ) p GROUP BY 1 ORDER BY 1`,
        params,
      ),
      this.pool.query<LatencyRow>(
        `SELECT bucket, hit, latency_bucket, sum(requests)::int AS requests FROM (
           SELECT date_bin($3::interval, completed_at, ${ORIGIN}) AS bucket, outcome = 'hit' AS hit, latency_bucket,
                  count(*) AS requests
             FROM ${live} WHERE outcome IS NOT NULL GROUP BY 1, 2, 3
           UNION ALL
           SELECT date_bin($3::interval, h.hour, ${ORIGIN}), h.hit, h.bucket, sum(h.requests)
             FROM console_latency_hourly h WHERE ${rollupScope} GROUP BY 1, 2, 3
         ) p GROUP BY 1, 2, 3`,
        params,
      ),
    ]);
    return withPercentiles(counters.rows, latencies.rows);
  }

  /**
   * Where the window starts (the bucket holding `now - span`, so every bucket is whole) and where
   * the live part starts: the end of the roll-up, when the window's buckets are whole hours.
   */
  private async span(w: OverviewWindow): Promise<{ start: Date; split: Date }> {
    const { rows } = await this.pool.query<{ start: Date; split: Date }>(
      `SELECT w.start, CASE WHEN $3::boolean THEN greatest(w.start, COALESCE(s.rolled_until, w.start)) ELSE w.start END AS split
         FROM (SELECT date_bin($1::interval, now() - $2::interval, ${ORIGIN}) AS start) w, console_rollup_state s`,
      [w.bucket, w.span, w.rollup],
    );
    const row = rows[0];
    if (!row) throw new Error('console_rollup_state has no row: the console-rollup migration did not run');
    return row;
  }
}

type CounterRow = Omit<OverviewRow, 'hit_p50_ms' | 'hit_p99_ms' | 'miss_p50_ms' | 'miss_p99_ms'>;
interface LatencyRow {
  bucket: Date;
  hit: boolean;
  latency_bucket: number;
  requests: number;
}

function withPercentiles(counters: readonly CounterRow[], latencies: readonly LatencyRow[]): OverviewRow[] {
  const histograms = new Map<number, { hit: Map<number, number>; miss: Map<number, number> }>();
  for (const l of latencies) {
    const key = l.bucket.getTime();
    const h = histograms.get(key) ?? { hit: new Map(), miss: new Map() };
    (l.hit ? h.hit : h.miss).set(l.latency_bucket, l.requests);
    histograms.set(key, h);
  }
  const empty: Histogram = new Map();
  return counters.map((c) => {
    const h = histograms.get(c.bucket.getTime());
    return {
      ...c,
      hit_p50_ms: percentile(h?.hit ?? empty, 0.5),
      hit_p99_ms: percentile(h?.hit ?? empty, 0.99),
      miss_p50_ms: percentile(h?.miss ?? empty, 0.5),
      miss_p99_ms: percentile(h?.miss ?? empty, 0.99),
    };
  });
}

export interface OverviewRow {
  bucket: Date;
  requests: number;
  exact_hits: number;
  semantic_hits: number;
  coalesced: number;
  saved_usd: number;
  saved_usd_cache: number;
  saved_usd_prompt_cache: number;
  saved_tokens: number;
  prompt_cache_read_tokens: number;
  hit_p50_ms: number | null;
  hit_p99_ms: number | null;
  miss_p50_ms: number | null;
  miss_p99_ms: number | null;
}
