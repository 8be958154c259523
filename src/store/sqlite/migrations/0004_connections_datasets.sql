-- Connections (to databases and storage folders), the artifacts runs produce, and datasets:
-- the named current version of an export, served by the data API.

-- secrets: a JSON object of field -> sealed text (XChaCha20-Poly1305, see src/secrets/);
-- settings holds only non-secret fields.
CREATE TABLE connections (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  description TEXT NOT NULL,
  settings TEXT NOT NULL,
  secrets TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

-- run_id and job_id are not foreign keys: artifacts are history, like runs.
CREATE TABLE artifacts (
  id TEXT PRIMARY KEY,  -- a ULID
  run_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  dataset TEXT NOT NULL,  -- '' when the artifact belongs to no dataset
  storage TEXT NOT NULL,
  path TEXT NOT NULL,
  kept_path TEXT NOT NULL,
  index_path TEXT NOT NULL,
  content_type TEXT NOT NULL,
  rows INTEGER NOT NULL CHECK (rows >= 0),
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  columns TEXT NOT NULL,
  format TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX artifacts_by_run ON artifacts (run_id, id);
CREATE INDEX artifacts_by_dataset ON artifacts (dataset, id) WHERE dataset <> '';

-- RESTRICT: the current version of a dataset cannot be deleted from under it.
CREATE TABLE datasets (
  name TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  current_artifact_id TEXT NOT NULL REFERENCES artifacts (id) ON DELETE RESTRICT,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
