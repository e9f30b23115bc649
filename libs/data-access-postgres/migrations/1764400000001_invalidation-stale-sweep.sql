-- Up Migration
-- Recently stored live entries, for the sweep that retires answers stored at an old version by a
-- completion that raced a document change or namespace bump (the lookup already refuses them;
-- the sweep retires them so they are deleted instead of waiting for their expiry).
CREATE INDEX cache_entries_created_live ON cache_entries (created_at) WHERE retired_at IS NULL;

-- Down Migration
DROP INDEX cache_entries_created_live;
