#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/result.h"

namespace batuta {

// One versioned schema change of one store dialect. A binary knows an ordered list of them
// (versions 1, 2, ..., n without gaps); a database records which ones it has applied.
// `sql` may hold several statements but no transaction control (BEGIN/COMMIT): the migrator
// runs each migration inside its own transaction.
struct Migration {
  int version = 0;
  std::string name;  // "init" for 0001_init.sql: lower-case letters, digits and '_'
  std::string sql;
};

// A row of the database's schema_migrations table.
struct AppliedMigration {
  int version = 0;
  std::string name;
  std::string checksum;  // MigrationChecksum(sql) of the SQL that was applied
  TimePoint applied_at;  // from the store's Clock, millisecond precision

  bool operator==(const AppliedMigration&) const = default;
};

// A known migration the database has not applied yet.
struct PendingMigration {
  int version = 0;
  std::string name;

  bool operator==(const PendingMigration&) const = default;
};

// What a database has applied compared with what this binary knows.
struct MigrationState {
  int applied_version = 0;                // highest applied version; 0 for an empty database
  int latest_version = 0;                 // highest version this binary knows
  std::vector<AppliedMigration> applied;  // ascending by version
  std::vector<PendingMigration> pending;  // ascending by version; what Migrate() would apply
  // Set when this binary must not use or migrate the database (a version newer than it knows,
  // an applied migration whose checksum differs from the known one, migrations applied out of
  // order). It is the error Migrate() returns; code kConflict.
  std::optional<Error> problem;

  bool UpToDate() const { return !problem && pending.empty(); }
};

// sha256 of the SQL text, 64 lower-case hex characters.
std::string MigrationChecksum(std::string_view sql);

// "0001_init": how migrations are named in files, logs and messages.
std::string MigrationLabel(int version, std::string_view name);

// Checks a binary's own migration list: versions 1..n in order, valid names, non-empty SQL.
// A failure is a bug in the build (kInternal), not a property of any database.
Status ValidateMigrations(std::span<const Migration> known);

// Compares the rows of a schema_migrations table (any order) with the `known` list (already
// validated) and fills every field of MigrationState, including `problem`.
MigrationState DescribeMigrations(std::span<const Migration> known,
                                  std::vector<AppliedMigration> applied);

// The error for a database whose row for `known.version` records `stored_checksum`, or nothing
// when it matches. Migrators call this again inside each migration's transaction, because
// another process may have migrated in the meantime.
std::optional<Error> ChecksumProblem(const Migration& known, std::string_view stored_checksum);

}  // namespace batuta
