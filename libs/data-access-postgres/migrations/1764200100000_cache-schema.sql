-- Up Migration
-- The semantic cache: entries, the versions they were built from, and the version tables the
-- lookup checks against so a stale entry is never served, even before any purge has run.

CREATE TABLE namespaces (
  tenant        text        NOT NULL,
  namespace     text        NOT NULL,
  version       bigint      NOT NULL DEFAULT 1 CHECK (version >= 1),
  -- Policy overrides; NULL means the service default.
  threshold     real        CHECK (threshold BETWEEN 0 AND 1),
  min_threshold real        CHECK (min_threshold BETWEEN 0 AND 1),
  max_threshold real        CHECK (max_threshold BETWEEN 0 AND 1),
  ttl_seconds   integer     CHECK (ttl_seconds > 0),
  sliding_ttl   boolean,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, namespace)
);

CREATE TABLE documents (
  tenant     text        NOT NULL,
  doc_id     text        NOT NULL,
  version    bigint      NOT NULL CHECK (version >= 0),
  deleted    boolean     NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, doc_id)
);

CREATE TABLE cache_entries (
  id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant            text        NOT NULL,
  namespace         text        NOT NULL,
  scope_hash        text        NOT NULL,
  query_hash        text        NOT NULL,
  normalized_query  text        NOT NULL,
  query_text        text        NOT NULL,
  -- Dimension varies by embedding model: the column is untyped and each dimension gets its own
  -- partial expression index. Entries of another model are never compared with the current one.
  embedding         vector,
  embedding_model   text,
  embedding_dim     integer,
  request_id        text        NOT NULL,
  provider          text        NOT NULL,
  model             text        NOT NULL,
  answer            jsonb       NOT NULL,
  usage             jsonb       NOT NULL,
  cost              jsonb       NOT NULL,
  namespace_version bigint      NOT NULL,
  doc_versions      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  doc_ids           text[]      NOT NULL DEFAULT '{}',
  user_id           text,
  ttl_seconds       integer     NOT NULL CHECK (ttl_seconds > 0),
  created_at        timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL,
  last_hit_at       timestamptz,
  hit_count         bigint      NOT NULL DEFAULT 0,
  retired_at        timestamptz,
  CHECK ((embedding IS NULL) = (embedding_model IS NULL) AND (embedding IS NULL) = (embedding_dim IS NULL)),
  UNIQUE (tenant, request_id)
);

-- Exact tier and the scope filter of the semantic tier.
CREATE INDEX cache_entries_scope_query ON cache_entries (tenant, scope_hash, query_hash) WHERE retired_at IS NULL;
-- Invalidation by document and by namespace.
CREATE INDEX cache_entries_doc_ids ON cache_entries USING gin (doc_ids) WHERE retired_at IS NULL;
CREATE INDEX cache_entries_namespace ON cache_entries (tenant, namespace) WHERE retired_at IS NULL;
-- Background deletion of retired and expired entries in bounded batches.
CREATE INDEX cache_entries_retired ON cache_entries (retired_at) WHERE retired_at IS NOT NULL;
CREATE INDEX cache_entries_expires ON cache_entries (expires_at);
-- Vector index for the default local model (384 dimensions); other dimensions are indexed by the
-- embedding-service at start-up (see CacheRepository.ensureVectorIndex).
CREATE INDEX cache_entries_hnsw_384 ON cache_entries USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE embedding_dim = 384;

-- Request ids seen, so a duplicate request (same id, another message) is answered once, while a
-- redelivery of the same message (after a crash) is processed again.
CREATE TABLE request_log (
  tenant      text        NOT NULL,
  request_id  text        NOT NULL,
  message_ref text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, request_id)
);

-- Down Migration
DROP TABLE request_log;
DROP TABLE cache_entries;
DROP TABLE documents;
DROP TABLE namespaces;
