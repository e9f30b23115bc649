-- Up Migration
-- The console's entry search (`query_text ILIKE '%text%'` within a tenant, libs/feature-console):
-- without an index it reads every live entry of the tenant. A trigram index answers a contains
-- search of three characters or more from the index. pg_trgm is a trusted extension (Postgres
-- 13+): the database owner may create it; PGlite loads it as `@electric-sql/pglite/contrib/pg_trgm`.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS cache_entries_query_trgm_idx ON cache_entries USING gin (query_text gin_trgm_ops)
  WHERE retired_at IS NULL;

-- Down Migration
DROP INDEX IF EXISTS cache_entries_query_trgm_idx;
