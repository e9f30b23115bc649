-- Up Migration
-- Feedback on answers (issue 18): an application or its user says an answer was wrong (or
-- right). A "wrong" verdict retires the entry that served it at once (through the audited
-- invalidation path); every verdict is kept as a labelled example for measuring and bounding the
-- false-hit rate. Tenant data: erased with the tenant (and with the user whose job it was).
CREATE TABLE IF NOT EXISTS feedback (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant      text NOT NULL,
  -- The job the verdict is about, when given (the entry is then the one that job served or stored).
  job_id      text,
  -- The entry it is about; NULL when the answer was not cached.
  entry_id    uuid,
  wrong       boolean NOT NULL,
  note        text,
  -- The invalidation command that retired the entry (a wrong verdict on a cached answer).
  event_id    text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS feedback_tenant_created_idx ON feedback (tenant, created_at DESC);
CREATE INDEX IF NOT EXISTS feedback_tenant_entry_idx ON feedback (tenant, entry_id) WHERE entry_id IS NOT NULL;

-- Down Migration
DROP TABLE IF EXISTS feedback;
