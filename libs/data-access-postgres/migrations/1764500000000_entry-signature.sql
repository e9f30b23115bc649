-- Up Migration
-- HMAC over each entry's scope and answer, written by the embedding-service and verified on
-- every read: a row written into the table by other means (or altered) is never served.
ALTER TABLE cache_entries ADD COLUMN IF NOT EXISTS signature text;

-- Down Migration
ALTER TABLE cache_entries DROP COLUMN signature;
