-- The engine: jobs and their versions, schedules and their fires, runs (the queue and the
-- history) and run log lines.
-- Times are RFC 3339 UTC text with milliseconds (see time_text.h); they sort as text.
-- Durations are integer milliseconds; JSON documents are text.

-- definition: the current version's document, copied here so reads need no join.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  version INTEGER NOT NULL CHECK (version >= 1),
  definition TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE job_versions (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (job_id, version)
);

CREATE TABLE schedules (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  spec TEXT NOT NULL,
  misfire TEXT NOT NULL,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  next_fire_at TEXT,  -- NULL: never fires again
  last_scheduled_for TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- Also the child-key index of the foreign key, so deleting a job finds its schedules.
CREATE INDEX schedules_by_job ON schedules (job_id, created_at);
-- The due query and the earliest next fire walk this in order, with no sort.
CREATE INDEX schedules_due ON schedules (next_fire_at, id)
  WHERE enabled = 1 AND next_fire_at IS NOT NULL;

-- The primary key is what makes a scheduled time fire at most once, whatever the number of
-- schedulers. Fires go with their schedule; the runs they queued keep schedule_id and
-- scheduled_for.
CREATE TABLE schedule_fires (
  schedule_id TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  scheduled_for TEXT NOT NULL,
  fired_at TEXT NOT NULL,
  run_id TEXT,
  skipped_reason TEXT NOT NULL,
  PRIMARY KEY (schedule_id, scheduled_for)
) WITHOUT ROWID;

-- job_id and schedule_id are not foreign keys: runs are history and outlive their job and
-- schedule.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,  -- a ULID: ids sort by creation time
  job_id TEXT NOT NULL,
  job_name TEXT NOT NULL,
  job_version INTEGER NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled')),
  trigger_kind TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  actor_id TEXT,
  parameters TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  retry_of TEXT,
  root_run_id TEXT NOT NULL,
  rerun_of TEXT,
  schedule_id TEXT,
  scheduled_for TEXT,
  timeout_ms INTEGER NOT NULL,
  max_concurrent INTEGER NOT NULL,
  queued_at TEXT NOT NULL,
  available_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,  -- set exactly when the status is terminal
  lease_owner TEXT,
  lease_token INTEGER NOT NULL,
  lease_expires_at TEXT,
  cancel_requested INTEGER NOT NULL CHECK (cancel_requested IN (0, 1)),
  result TEXT NOT NULL,
  error TEXT NOT NULL,
  progress TEXT NOT NULL,
  log_lines INTEGER NOT NULL
);
-- Claiming: queued runs in the order they became available. Partial, so the finished runs
-- (nearly all of them) cost nothing here.
CREATE INDEX runs_queued ON runs (available_at, id) WHERE status = 'queued';
-- A job's running count (max_concurrent) and its active runs.
CREATE INDEX runs_by_job_status ON runs (job_id, status);
-- A job's runs, newest first.
CREATE INDEX runs_by_job ON runs (job_id, id);
CREATE INDEX runs_by_root ON runs (root_run_id, attempt);
-- Lease recovery.
CREATE INDEX runs_leases ON runs (lease_expires_at, id) WHERE status = 'running';
-- Pruning: each job's finished runs, newest first.
CREATE INDEX runs_finished ON runs (job_id, finished_at) WHERE finished_at IS NOT NULL;

-- seq numbers a run's lines 1, 2, 3 ...; the primary key makes rewriting a batch harmless.
-- The lines go when their run is pruned.
CREATE TABLE run_logs (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
