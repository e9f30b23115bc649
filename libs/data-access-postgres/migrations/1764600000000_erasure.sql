-- Up Migration
-- Erasure of a tenant or of one user's data (GDPR-style right to erasure).
--
-- `requested_by` records which user asked for an answer even when the answer is shared (not
-- personal), so erasing a user also removes the questions they typed into the shared cache.
ALTER TABLE cache_entries ADD COLUMN IF NOT EXISTS requested_by text;
CREATE INDEX cache_entries_requested_by ON cache_entries (tenant, requested_by) WHERE requested_by IS NOT NULL;
-- Jobs are found by the user named in their cache options.
CREATE INDEX jobs_tenant_user_idx ON jobs (tenant, (request -> 'cache' ->> 'user')) WHERE request -> 'cache' ->> 'user' IS NOT NULL;

-- One row per erasure. It keeps no personal data (the user id only as a SHA-256 digest) and
-- fences off requests still in flight: an answer to a request submitted before the erasure is
-- never stored afterwards.
CREATE TABLE erasures (
  id           bigserial   PRIMARY KEY,
  tenant       text        NOT NULL,
  -- NULL: the whole tenant.
  user_digest  text,
  requested_at timestamptz NOT NULL DEFAULT now(),
  -- NULL while (or if) the deletes have not committed: requesting the erasure again finishes it.
  completed_at timestamptz,
  -- What was deleted, by table.
  deleted      jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX erasures_tenant ON erasures (tenant, requested_at);

-- Down Migration
DROP TABLE erasures;
DROP INDEX jobs_tenant_user_idx;
DROP INDEX cache_entries_requested_by;
ALTER TABLE cache_entries DROP COLUMN requested_by;
