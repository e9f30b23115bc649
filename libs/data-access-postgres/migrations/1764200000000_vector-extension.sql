-- Up Migration
-- pgvector provides the `vector` type, the `<=>` cosine-distance operator and HNSW indexes.
-- deploy/local/up creates the extension as superuser; this keeps other installs honest.
CREATE EXTENSION IF NOT EXISTS vector;

-- Down Migration
-- The extension may be shared with other schemas: leave it in place.
SELECT 1;
