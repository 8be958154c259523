-- Instance metadata: small key/value facts about this batuta instance (its id, set-up flags).
-- updated_at is an RFC 3339 UTC timestamp with milliseconds, written from the store's clock.
CREATE TABLE instance_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
