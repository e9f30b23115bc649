-- Up Migration
-- The console's Overview over a day or a week (libs/feature-console, overview.repository.ts).
-- Aggregating a week of raw jobs takes seconds at 1M request records; closed hours are rolled up
-- here once, and the Overview adds a live aggregate of the jobs completed since the last rolled-up
-- hour. Requests are counted in the hour they completed (completed_at): that is final once the
-- hour is over, so an hour rolled up never changes — whereas a job created in one hour may
-- complete much later (a result that arrives after the job expired still completes it).

-- Counters of the jobs completed in one hour, per tenant and namespace ('' when none was given).
CREATE TABLE console_hourly (
  tenant                   text NOT NULL,
  namespace                text NOT NULL,
  hour                     timestamptz NOT NULL,
  requests                 integer NOT NULL,
  exact_hits               integer NOT NULL,
  semantic_hits            integer NOT NULL,
  coalesced                integer NOT NULL,
  saved_usd                double precision NOT NULL,
  saved_usd_cache          double precision NOT NULL,
  saved_usd_prompt_cache   double precision NOT NULL,
  saved_tokens             double precision NOT NULL,
  prompt_cache_read_tokens double precision NOT NULL,
  PRIMARY KEY (tenant, hour, namespace)
);
CREATE INDEX console_hourly_hour_idx ON console_hourly (hour);

-- The latency histogram of those jobs (created → completed), hits apart from the rest: how many
-- fell in each fixed bucket. Buckets merge by summing, so p50/p99 over any span come from these
-- rows; only buckets that hold a job are stored.
CREATE TABLE console_latency_hourly (
  tenant    text NOT NULL,
  namespace text NOT NULL,
  hour      timestamptz NOT NULL,
  hit       boolean NOT NULL,
  bucket    smallint NOT NULL,
  requests  integer NOT NULL,
  PRIMARY KEY (tenant, hour, namespace, hit, bucket)
);
CREATE INDEX console_latency_hourly_hour_idx ON console_latency_hourly (hour);

-- Every hour before rolled_until is in the tables above (NULL: nothing rolled up yet).
CREATE TABLE console_rollup_state (
  id           boolean PRIMARY KEY DEFAULT true CHECK (id),
  rolled_until timestamptz
);
INSERT INTO console_rollup_state (id, rolled_until) VALUES (true, NULL);

-- The roll-up and the live part of the Overview read jobs by completion time.
CREATE INDEX IF NOT EXISTS jobs_completed_idx ON jobs (completed_at) WHERE status = 'completed';

-- Down Migration
DROP INDEX IF EXISTS jobs_completed_idx;
DROP TABLE console_rollup_state;
DROP TABLE console_latency_hourly;
DROP TABLE console_hourly;
