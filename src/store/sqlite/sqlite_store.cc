#include "store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>
#include <utility>

#include "store/sqlite/connection_pool.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_api_key_repository.h"
#include "store/sqlite/sqlite_artifact_repository.h"
#include "store/sqlite/sqlite_audit_repository.h"
#include "store/sqlite/sqlite_connection_repository.h"
#include "store/sqlite/sqlite_job_repository.h"
#include "store/sqlite/sqlite_meta_repository.h"
#include "store/sqlite/sqlite_run_log_repository.h"
#include "store/sqlite/sqlite_run_repository.h"
#include "store/sqlite/sqlite_schedule_repository.h"
#include "store/sqlite/sqlite_session_repository.h"
#include "store/sqlite/sqlite_user_repository.h"
#include "store/sqlite/time_text.h"
#include "store/sqlite/transaction.h"

namespace batuta {
namespace {

using sqlite::Connection;
using sqlite::Transaction;

constexpr std::string_view kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)";

// Creates `file` empty with mode 0600 unless it exists, so the database and the -wal/-shm
// files SQLite derives from it (same mode) are private to the owner: they will hold secrets.
Status CreatePrivateFile(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return Ok();
  }
  if (errno == EEXIST) return Ok();
  return Error::Unavailable(
      fmt::format("cannot create database file '{}': {}", file.string(), std::strerror(errno)));
}

Result<bool> HasMigrationsTable(Connection& connection) {
  auto select = connection.Prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!select.ok()) return std::move(select).error();
  return select->Step();
}

Result<std::vector<AppliedMigration>> ReadApplied(Connection& connection) {
  auto select = connection.Prepare(
      "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version");
  if (!select.ok()) return std::move(select).error();
  std::vector<AppliedMigration> applied;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto applied_at = sqlite::TimeFromText(select->ColumnText(3));
    if (!applied_at.ok()) return std::move(applied_at).error();
    applied.push_back({static_cast<int>(select->ColumnInt(0)), select->ColumnText(1),
                       select->ColumnText(2), *applied_at});
  }
  return applied;
}

// The checksum recorded for `version`, or nullopt when it is not applied.
Result<std::optional<std::string>> StoredChecksum(Connection& connection, int version) {
  auto select = connection.Prepare("SELECT checksum FROM schema_migrations WHERE version = ?1");
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, std::int64_t{version}));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(select->ColumnText(0));
}

Result<std::int64_t> ParseInt(const std::string& text, std::string_view what) {
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Error::Internal(fmt::format("PRAGMA {} returned '{}', not a number", what, text));
  }
  return value;
}

Result<SqliteConnectionSettings> ReadSettings(Connection& connection) {
  SqliteConnectionSettings settings;
  settings.writer = connection.role() == Connection::Role::kWriter;
  auto journal_mode = connection.PragmaValue("journal_mode");
  if (!journal_mode.ok()) return std::move(journal_mode).error();
  settings.journal_mode = std::move(*journal_mode);
  struct IntPragma {
    std::string_view name;
    std::int64_t value;
  };
  IntPragma pragmas[] = {
      {"foreign_keys", 0}, {"busy_timeout", 0}, {"synchronous", 0}, {"query_only", 0}};
  for (IntPragma& pragma : pragmas) {
    auto text = connection.PragmaValue(pragma.name);
    if (!text.ok()) return std::move(text).error();
    auto value = ParseInt(*text, pragma.name);
    if (!value.ok()) return std::move(value).error();
    pragma.value = *value;
  }
  settings.foreign_keys = pragmas[0].value != 0;
  settings.busy_timeout_ms = pragmas[1].value;
  settings.synchronous = static_cast<int>(pragmas[2].value);
  settings.query_only = pragmas[3].value != 0;
  return settings;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::filesystem::path& file,
                                                       const Clock& clock,
                                                       SqliteStoreOptions options) {
  std::vector<Migration> migrations;
  if (options.migrations) {
    migrations = std::move(*options.migrations);
  } else {
    migrations = SqliteMigrations();
  }
  BATUTA_RETURN_IF_ERROR(ValidateMigrations(migrations));

  if (file.empty()) return Error::InvalidArgument("the SQLite database path is empty");
  if (const auto parent = file.parent_path(); !parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Error::Unavailable(fmt::format("cannot create the folder '{}' for the database: {}",
                                            parent.string(), ec.message()));
    }
  }
  BATUTA_RETURN_IF_ERROR(CreatePrivateFile(file));

  auto pool = sqlite::ConnectionPool::Open(file, options.read_connections, options.busy_timeout);
  if (!pool.ok()) return std::move(pool).error();
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(file, clock, std::move(migrations), std::move(*pool)));
}

SqliteStore::SqliteStore(std::filesystem::path file, const Clock& clock,
                         std::vector<Migration> migrations,
                         std::unique_ptr<sqlite::ConnectionPool> pool)
    : file_(std::move(file)),
      clock_(clock),
      migrations_(std::move(migrations)),
      pool_(std::move(pool)),
      meta_(std::make_unique<sqlite::SqliteMetaRepository>(*pool_, clock_)),
      users_(std::make_unique<sqlite::SqliteUserRepository>(*pool_)),
      sessions_(std::make_unique<sqlite::SqliteSessionRepository>(*pool_)),
      api_keys_(std::make_unique<sqlite::SqliteApiKeyRepository>(*pool_)),
      audit_(std::make_unique<sqlite::SqliteAuditRepository>(*pool_)),
      jobs_(std::make_unique<sqlite::SqliteJobRepository>(*pool_)),
      schedules_(std::make_unique<sqlite::SqliteScheduleRepository>(*pool_)),
      runs_(std::make_unique<sqlite::SqliteRunRepository>(*pool_)),
      run_logs_(std::make_unique<sqlite::SqliteRunLogRepository>(*pool_)),
      connections_(std::make_unique<sqlite::SqliteConnectionRepository>(*pool_)),
      artifacts_(std::make_unique<sqlite::SqliteArtifactRepository>(*pool_)) {}

SqliteStore::~SqliteStore() = default;

MetaRepository& SqliteStore::Meta() { return *meta_; }
UserRepository& SqliteStore::Users() { return *users_; }
SessionRepository& SqliteStore::Sessions() { return *sessions_; }
ApiKeyRepository& SqliteStore::ApiKeys() { return *api_keys_; }
AuditRepository& SqliteStore::Audit() { return *audit_; }
JobRepository& SqliteStore::Jobs() { return *jobs_; }
ScheduleRepository& SqliteStore::Schedules() { return *schedules_; }
RunRepository& SqliteStore::Runs() { return *runs_; }
RunLogRepository& SqliteStore::RunLogs() { return *run_logs_; }
ConnectionRepository& SqliteStore::Connections() { return *connections_; }
ArtifactRepository& SqliteStore::Artifacts() { return *artifacts_; }

Status SqliteStore::Backup(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Error::Conflict(fmt::format("the backup file '{}' exists", file.string()));
    }
    return Error::Unavailable(
        fmt::format("cannot create the backup file '{}': {}", file.string(), std::strerror(errno)));
  }
  ::close(fd);
  Status copied = [&]() -> Status {
    auto reader = pool_->Reader();
    return reader->BackupTo(file);
  }();
  if (!copied.ok()) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    Error error = std::move(copied).error();
    if (error.code != ErrorCode::kInternal) error.code = ErrorCode::kUnavailable;
    return error;
  }
  return Ok();
}

Status SqliteStore::Ping() {
  auto reader = pool_->Reader();
  // Reads the schema, so the file itself is touched (SELECT 1 would not be).
  auto select = reader->Prepare("SELECT count(*) FROM sqlite_master");
  if (!select.ok()) return Error::Unavailable(std::move(select).error().message);
  if (Status status = select->Run(); !status.ok()) {
    return Error::Unavailable(std::move(status).error().message);
  }
  return Ok();
}

Result<MigrationState> SqliteStore::MigrationStatus() {
  auto reader = pool_->Reader();
  auto has_table = HasMigrationsTable(*reader);
  if (!has_table.ok()) return std::move(has_table).error();
  std::vector<AppliedMigration> applied;
  if (*has_table) {
    auto rows = ReadApplied(*reader);
    if (!rows.ok()) return std::move(rows).error();
    applied = std::move(*rows);
  }
  return DescribeMigrations(migrations_, std::move(applied));
}

Result<std::vector<AppliedMigration>> SqliteStore::Migrate() {
  auto writer = pool_->Writer();
  BATUTA_RETURN_IF_ERROR(writer->ExecuteScript(kCreateSchemaMigrations));
  auto rows = ReadApplied(*writer);
  if (!rows.ok()) return std::move(rows).error();
  MigrationState state = DescribeMigrations(migrations_, std::move(*rows));
  if (state.problem) return std::move(*state.problem);

  std::vector<AppliedMigration> done;
  for (const PendingMigration& pending : state.pending) {
    const Migration& migration = migrations_[static_cast<std::size_t>(pending.version - 1)];
    const std::string label = MigrationLabel(migration.version, migration.name);
    auto transaction = Transaction::BeginImmediate(*writer);
    if (!transaction.ok()) return std::move(transaction).error();

    // Another process may have applied it since the rows above were read.
    auto stored = StoredChecksum(*writer, migration.version);
    if (!stored.ok()) return std::move(stored).error();
    if (stored->has_value()) {
      if (auto problem = ChecksumProblem(migration, **stored)) return std::move(*problem);
      continue;
    }

    if (Status status = writer->ExecuteScript(migration.sql); !status.ok()) {
      Error error = std::move(status).error();
      error.message =
          fmt::format("migration {} failed and was rolled back: {}", label, error.message);
      return error;
    }
    if (!writer->InTransaction()) {
      return Error::Internal(fmt::format(
          "migration {} ended the migrator's transaction (it must not contain BEGIN, COMMIT or "
          "ROLLBACK); the database may be partly migrated",
          label));
    }
    AppliedMigration applied{migration.version, migration.name, MigrationChecksum(migration.sql),
                             sqlite::TruncateToMillis(clock_.Now())};
    {
      auto insert = writer->Prepare(
          "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
          "VALUES (?1, ?2, ?3, ?4)");
      if (!insert.ok()) return std::move(insert).error();
      BATUTA_RETURN_IF_ERROR(insert->Bind(1, std::int64_t{applied.version}));
      BATUTA_RETURN_IF_ERROR(insert->Bind(2, applied.name));
      BATUTA_RETURN_IF_ERROR(insert->Bind(3, applied.checksum));
      BATUTA_RETURN_IF_ERROR(insert->Bind(4, sqlite::TimeToText(applied.applied_at)));
      BATUTA_RETURN_IF_ERROR(insert->Run());
    }
    BATUTA_RETURN_IF_ERROR(transaction->Commit());
    done.push_back(std::move(applied));
  }
  return done;
}

Result<std::vector<SqliteConnectionSettings>> SqliteStore::ConnectionSettings() {
  std::vector<SqliteConnectionSettings> all;
  {
    auto writer = pool_->Writer();
    auto settings = ReadSettings(*writer);
    if (!settings.ok()) return std::move(settings).error();
    all.push_back(std::move(*settings));
  }
  for (std::size_t i = 0; i < pool_->reader_count(); ++i) {
    auto reader = pool_->ReaderAt(i);
    auto settings = ReadSettings(*reader);
    if (!settings.ok()) return std::move(settings).error();
    all.push_back(std::move(*settings));
  }
  return all;
}

}  // namespace batuta
