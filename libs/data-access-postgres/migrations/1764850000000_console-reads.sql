-- Up Migration
-- The console's reads of the jobs table (libs/feature-console, measured by its bench-reads CLI).
-- The admin's newest requests across every tenant, and the overview's time range without a
-- tenant, walk jobs by time: without this index both sort the whole table.
CREATE INDEX IF NOT EXISTS jobs_created_idx ON jobs (created_at DESC);
-- A tenant's requests filtered by namespace or outcome walk jobs_tenant_created_idx newest first
-- and skip what does not match. Without statistics on these two expressions the planner guesses
-- that almost nothing matches and reads and sorts the tenant's whole history instead. Statistics
-- cost nothing on insert, unlike an index.
CREATE STATISTICS IF NOT EXISTS jobs_namespace_stats ON ((request -> 'cache' ->> 'namespace')) FROM jobs;
CREATE STATISTICS IF NOT EXISTS jobs_outcome_stats
  ON ((CASE WHEN status = 'completed' THEN result -> 'cache' ->> 'outcome' ELSE status END)) FROM jobs;

-- Down Migration
DROP STATISTICS IF EXISTS jobs_outcome_stats;
DROP STATISTICS IF EXISTS jobs_namespace_stats;
DROP INDEX IF EXISTS jobs_created_idx;
