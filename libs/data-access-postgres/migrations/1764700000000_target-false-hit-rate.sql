-- Up Migration
-- The learned decision stage holds each namespace to a target false-hit rate (default 2 %, set
-- by the service). NULL: the service default. A namespace with its own `threshold` is decided by
-- that raw threshold instead (an expert's choice).
ALTER TABLE namespaces ADD COLUMN IF NOT EXISTS target_false_hit_rate real
  CHECK (target_false_hit_rate > 0 AND target_false_hit_rate < 1);

-- Down Migration
ALTER TABLE namespaces DROP COLUMN IF EXISTS target_false_hit_rate;
