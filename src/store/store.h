#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/api_key_repository.h"
#include "store/artifact_repository.h"
#include "store/audit_repository.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/meta_repository.h"
#include "store/migration.h"
#include "store/run_log_repository.h"
#include "store/run_repository.h"
#include "store/schedule_repository.h"
#include "store/session_repository.h"
#include "store/user_repository.h"

namespace batuta {

// batuta's persistent state, seen as one repository per concept. Implementations (one per
// database dialect, e.g. store/sqlite) must pass the conformance suite in
// tests/store_conformance, so callers never depend on which one they hold.
//
// Thread-safety: every method may be called from any thread at any time, also concurrently;
// the repositories returned are owned by the store, live as long as it, and are thread-safe too.
//
// Errors: expected failures are returned, never thrown. A store that cannot be reached or is
// busy beyond its timeout answers kUnavailable; a constraint violation kConflict; anything the
// caller cannot fix kInternal.
//
// Life cycle: open (implementation specific), Migrate(), then use the repositories.
// Repositories require the schema of the latest migration; before Migrate() they fail.
class Store {
 public:
  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The dialect: "sqlite", "postgres".
  virtual std::string_view Kind() const = 0;

  // Ok when the store answers a trivial query; kUnavailable otherwise. For health checks.
  virtual Status Ping() = 0;

  // Applied and pending migrations, and why the database cannot be used if that is the case
  // (MigrationState::problem). Reads only; never changes the database.
  virtual Result<MigrationState> MigrationStatus() = 0;

  // Applies the pending migrations in version order, each in its own transaction together
  // with its schema_migrations row (version, name, sha256 checksum, applied_at from the
  // store's Clock), and returns those it applied; an up-to-date store returns an empty list.
  // Refuses with MigrationState::problem (kConflict) before changing anything when the
  // database holds a version newer than this binary knows, a migration whose checksum differs
  // from the known one, or migrations applied out of order. When a migration fails, its
  // transaction is rolled back, the error names it, and the migrations applied before it in
  // this call stay applied (see MigrationStatus). Safe to run from several processes at once:
  // each migration is applied exactly once.
  virtual Result<std::vector<AppliedMigration>> Migrate() = 0;

  virtual MetaRepository& Meta() = 0;
  virtual UserRepository& Users() = 0;
  virtual SessionRepository& Sessions() = 0;
  virtual ApiKeyRepository& ApiKeys() = 0;
  virtual AuditRepository& Audit() = 0;
  virtual JobRepository& Jobs() = 0;
  virtual ScheduleRepository& Schedules() = 0;
  virtual RunRepository& Runs() = 0;
  virtual RunLogRepository& RunLogs() = 0;
  virtual ConnectionRepository& Connections() = 0;
  virtual ArtifactRepository& Artifacts() = 0;

  // Writes a consistent copy of the whole store to `file` (which must not exist) while the
  // store stays in use: readers and writers are not stopped. For `maintenance.backup`.
  // kConflict when `file` exists; kUnavailable when it cannot be written.
  virtual Status Backup(const std::filesystem::path& file) = 0;
};

}  // namespace batuta
