-- Up Migration
-- Gateway state: tenants, their API keys (stored as HMAC-SHA256 digests, never in clear) and jobs.
-- Jobs live here, not in a replica's memory, so any gateway replica can answer for any job.

CREATE TABLE tenants (
  id               text PRIMARY KEY,
  -- Per-tenant rate limit override; NULL uses the gateway's configured default.
  rate_limit_rps   double precision CHECK (rate_limit_rps IS NULL OR rate_limit_rps > 0),
  rate_limit_burst integer CHECK (rate_limit_burst IS NULL OR rate_limit_burst > 0),
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenant_api_keys (
  key_hash   text PRIMARY KEY,
  tenant     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  label      text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_api_keys_tenant_idx ON tenant_api_keys (tenant);

CREATE TABLE jobs (
  -- Also the request_id on deja.requests.v1 / deja.results.v1.
  id           text PRIMARY KEY,
  tenant       text NOT NULL,
  -- The caller's own id, for idempotent submission; unique per tenant.
  client_id    text,
  status       text NOT NULL CHECK (status IN ('queued', 'completed', 'failed')),
  -- { request: ChatRequest, cache: CacheOptions }
  request      jsonb NOT NULL,
  -- The ResultV1 that completed the job.
  result       jsonb,
  -- Gateway-side failure (e.g. the publish to Kafka failed) as a WireError.
  error        jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE UNIQUE INDEX jobs_tenant_client_id_uq ON jobs (tenant, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX jobs_tenant_created_idx ON jobs (tenant, created_at DESC);
CREATE INDEX jobs_queued_idx ON jobs (created_at) WHERE status = 'queued';

-- Down Migration
DROP TABLE jobs;
DROP TABLE tenant_api_keys;
DROP TABLE tenants;
