-- Up Migration
-- Invalidation: the events and commands already applied (idempotency and audit), and the indexes
-- the purge selectors use.

-- One row per applied event or command, written in the same transaction as its effect, so a
-- replayed event_id (per tenant) changes nothing. `published_at` stays NULL until the audit
-- record reached deja.invalidated.v1: a crash between commit and publish re-publishes the
-- original record (applied = true) on redelivery instead of losing it.
CREATE TABLE invalidation_events (
  tenant          text        NOT NULL,
  event_id        text        NOT NULL,
  -- 'doc_change' or the command's action (purge_tenant, …, bump_namespace).
  cause           text        NOT NULL,
  -- The event or command as received.
  payload         jsonb       NOT NULL,
  entries_retired integer     NOT NULL CHECK (entries_retired >= 0),
  -- The document's or namespace's version after the event; NULL for purges.
  new_version     bigint,
  applied_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz,
  PRIMARY KEY (tenant, event_id)
);
-- Lookup by event id alone (the admin route) and pruning of old records.
CREATE INDEX invalidation_events_event_id ON invalidation_events (event_id);
CREATE INDEX invalidation_events_applied_at ON invalidation_events (applied_at);

-- Purge selectors that the cache schema does not index yet.
CREATE INDEX cache_entries_normalized_query ON cache_entries (tenant, normalized_query) WHERE retired_at IS NULL;
CREATE INDEX cache_entries_user ON cache_entries (tenant, user_id) WHERE retired_at IS NULL AND user_id IS NOT NULL;

-- Down Migration
DROP INDEX cache_entries_user;
DROP INDEX cache_entries_normalized_query;
DROP TABLE invalidation_events;
