#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace batuta {

namespace sqlite {
class ConnectionPool;
class SqliteMetaRepository;
class SqliteUserRepository;
class SqliteSessionRepository;
class SqliteApiKeyRepository;
class SqliteAuditRepository;
class SqliteJobRepository;
class SqliteScheduleRepository;
class SqliteRunRepository;
class SqliteRunLogRepository;
class SqliteConnectionRepository;
class SqliteArtifactRepository;
}  // namespace sqlite

struct SqliteStoreOptions {
  // Connections used for reads, in parallel with each other and with the single writer.
  // 0 sends reads through the writer too.
  std::size_t read_connections = 4;
  // How long a statement waits for a lock held by another process before kUnavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // The migrations this store knows; nullopt means the ones built into the binary
  // (SqliteMigrations()). Tests pass other lists to play an older or newer binary.
  std::optional<std::vector<Migration>> migrations;
};

// The settings a connection actually runs with, as SQLite reports them (for diagnostics and
// tests of the configuration).
struct SqliteConnectionSettings {
  bool writer = false;
  std::string journal_mode;  // "wal"
  bool foreign_keys = false;
  std::int64_t busy_timeout_ms = 0;
  int synchronous = 0;  // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
  bool query_only = false;
};

// Store on one SQLite database file: the embedded default.
//
// Concurrency: thread-safe. One writer connection (writes are serialized, as SQLite requires)
// and SqliteStoreOptions::read_connections reader connections that run in parallel with each
// other and with the writer (WAL). Reads started after a write returned see that write.
// Several processes may open the same file (for example `batuta migrate` next to a running
// server); they wait for each other's locks up to busy_timeout. The file must be on a local
// file system (WAL needs shared memory).
//
// Connections use journal_mode=WAL, foreign_keys=ON, synchronous=NORMAL and the busy timeout;
// see store/sqlite/connection.h.
class SqliteStore final : public Store {
 public:
  // Opens `file`, creating it (readable by the owner only) and its parent folder when missing.
  // Does not migrate: call Migrate(). Fails with kUnavailable when the file cannot be opened
  // or is not an SQLite database, kInternal when the migration list is broken. `clock` stamps
  // applied_at and updated_at values and must outlive the store.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& file,
                                                   const Clock& clock,
                                                   SqliteStoreOptions options = {});

  ~SqliteStore() override;

  std::string_view Kind() const override { return "sqlite"; }
  Status Ping() override;
  Result<MigrationState> MigrationStatus() override;
  Result<std::vector<AppliedMigration>> Migrate() override;
  MetaRepository& Meta() override;
  UserRepository& Users() override;
  SessionRepository& Sessions() override;
  ApiKeyRepository& ApiKeys() override;
  AuditRepository& Audit() override;
  JobRepository& Jobs() override;
  ScheduleRepository& Schedules() override;
  RunRepository& Runs() override;
  RunLogRepository& RunLogs() override;
  ConnectionRepository& Connections() override;
  ArtifactRepository& Artifacts() override;
  // Copies the database with SQLite's online backup API from a reader connection (see
  // Connection::BackupTo) into `file`, created 0600 first. Not VACUUM INTO: readers are
  // query_only, on which SQLite refuses it, and on the writer it would hold every write of
  // this process for the duration. On failure the partial file is removed.
  Status Backup(const std::filesystem::path& file) override;

  const std::filesystem::path& file() const { return file_; }

  // The writer's settings first, then each reader's.
  Result<std::vector<SqliteConnectionSettings>> ConnectionSettings();

 private:
  SqliteStore(std::filesystem::path file, const Clock& clock, std::vector<Migration> migrations,
              std::unique_ptr<sqlite::ConnectionPool> pool);

  const std::filesystem::path file_;
  const Clock& clock_;
  const std::vector<Migration> migrations_;
  std::unique_ptr<sqlite::ConnectionPool> pool_;
  std::unique_ptr<sqlite::SqliteMetaRepository> meta_;
  std::unique_ptr<sqlite::SqliteUserRepository> users_;
  std::unique_ptr<sqlite::SqliteSessionRepository> sessions_;
  std::unique_ptr<sqlite::SqliteApiKeyRepository> api_keys_;
  std::unique_ptr<sqlite::SqliteAuditRepository> audit_;
  std::unique_ptr<sqlite::SqliteJobRepository> jobs_;
  std::unique_ptr<sqlite::SqliteScheduleRepository> schedules_;
  std::unique_ptr<sqlite::SqliteRunRepository> runs_;
  std::unique_ptr<sqlite::SqliteRunLogRepository> run_logs_;
  std::unique_ptr<sqlite::SqliteConnectionRepository> connections_;
  std::unique_ptr<sqlite::SqliteArtifactRepository> artifacts_;
};

}  // namespace batuta
