#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/migration.h"
#include "store/store.h"
#include "temp_dir.h"

namespace batuta::conformance {

// How the conformance suite reaches one Store implementation. Instantiating the suite for a
// new implementation is one small test file (see sqlite_conformance_test.cc):
//
//   INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformanceTest,
//                            ::testing::Values(PostgresFactory()), StoreFactoryName);
struct StoreFactory {
  // Names the instantiation in test output: letters and digits only ("Sqlite").
  std::string name;

  // Opens the store that belongs to `dir`: empty (never migrated) for a new dir, the same
  // store again each time it is called with the same dir, independent of other dirs. `dir` is
  // a fresh, empty temp directory per test, removed afterwards; a file-based store keeps its
  // files in it, a server-based one derives a database or schema name from it.
  // `migrations` replaces the implementation's built-in list when set; the suite passes the
  // built-in list plus extra migrations to play a newer binary, or a changed migration.
  std::function<Result<std::unique_ptr<Store>>(const std::filesystem::path& dir, const Clock& clock,
                                               std::optional<std::vector<Migration>> migrations)>
      open;

  // The implementation's built-in migrations (what `open` uses without a list).
  std::vector<Migration> migrations;

  // Opens, as a store, the copy Store::Backup wrote to `file` (for the backup tests).
  std::function<Result<std::unique_ptr<Store>>(const std::filesystem::path& file,
                                               const Clock& clock)>
      open_backup;
};

// gtest's name generator for INSTANTIATE_TEST_SUITE_P: the factory's name.
std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info);

// How gtest (and so CTest's test names) prints a factory: its name.
void PrintTo(const StoreFactory& factory, std::ostream* os);

// The suite. Extra migrations it adds use only SQL every dialect accepts (CREATE TABLE with
// INTEGER columns, INSERT ... VALUES).
class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Opens the store of this test's dir; reports a failure and returns null when it fails.
  std::unique_ptr<Store> OpenOrFail(std::optional<std::vector<Migration>> migrations = {});
  // OpenOrFail, then Migrate.
  std::unique_ptr<Store> OpenMigratedOrFail();

  // The built-in migrations followed by `extra`, whose versions must continue them.
  std::vector<Migration> BuiltInPlus(std::vector<Migration> extra) const;
  // The first version after the built-in ones.
  int NextVersion() const;

  std::optional<testing::TempDir> temp_dir_;
  std::filesystem::path dir_;  // temp_dir_'s path
  ManualClock clock_{TimePoint{}};
};

// The identity repositories' part of the suite (users, sessions, API keys, audit), on a
// migrated store. Instantiated next to StoreConformanceTest by each implementation's file.
class IdentityConformanceTest : public StoreConformanceTest {
 protected:
  void SetUp() override;
  std::unique_ptr<Store> store_;
};

// The engine repositories' part of the suite (jobs, schedules, runs, run logs, backup), on a
// migrated store. Instantiated next to StoreConformanceTest by each implementation's file.
class EngineConformanceTest : public StoreConformanceTest {
 protected:
  void SetUp() override;
  std::unique_ptr<Store> store_;
};

// The data repositories' part of the suite (connections, artifacts, datasets), on a migrated
// store. Instantiated next to StoreConformanceTest by each implementation's file.
class DataConformanceTest : public StoreConformanceTest {
 protected:
  void SetUp() override;
  std::unique_ptr<Store> store_;
};

}  // namespace batuta::conformance
