-- Up Migration
-- Per-tenant queue limits (issue 19): the gateway refuses a tenant's new job while that tenant
-- already has too many jobs, or too many bytes of requests, queued across the deployment — so one
-- tenant's backlog cannot sit in front of everyone else's questions. The size is the request as
-- the caller sent it (its JSON), recorded at insert: jsonb's stored size is compressed and would
-- let a repetitive body pass as small. 0 for jobs queued before this migration.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS request_bytes integer NOT NULL DEFAULT 0;
-- Answers "what does this tenant have queued" from the index alone.
CREATE INDEX IF NOT EXISTS jobs_tenant_queued_idx ON jobs (tenant) INCLUDE (request_bytes) WHERE status = 'queued';

-- Down Migration
DROP INDEX IF EXISTS jobs_tenant_queued_idx;
ALTER TABLE jobs DROP COLUMN IF EXISTS request_bytes;
