// The store conformance suite run against SqliteStore.
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store_conformance/store_conformance.h"

namespace batuta::conformance {
namespace {

StoreFactory SqliteFactory() {
  StoreFactory factory;
  factory.name = "Sqlite";
  factory.migrations = SqliteMigrations();
  factory.open =
      [](const std::filesystem::path& dir, const Clock& clock,
         std::optional<std::vector<Migration>> migrations) -> Result<std::unique_ptr<Store>> {
    SqliteStoreOptions options;
    options.migrations = std::move(migrations);
    auto store = SqliteStore::Open(dir / "batuta.db", clock, std::move(options));
    if (!store.ok()) return std::move(store).error();
    return std::unique_ptr<Store>(std::move(store).value());
  };
  factory.open_backup = [](const std::filesystem::path& file,
                           const Clock& clock) -> Result<std::unique_ptr<Store>> {
    auto store = SqliteStore::Open(file, clock);
    if (!store.ok()) return std::move(store).error();
    return std::unique_ptr<Store>(std::move(store).value());
  };
  return factory;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest, ::testing::Values(SqliteFactory()),
                         StoreFactoryName);
INSTANTIATE_TEST_SUITE_P(Sqlite, IdentityConformanceTest, ::testing::Values(SqliteFactory()),
                         StoreFactoryName);
INSTANTIATE_TEST_SUITE_P(Sqlite, EngineConformanceTest, ::testing::Values(SqliteFactory()),
                         StoreFactoryName);
INSTANTIATE_TEST_SUITE_P(Sqlite, DataConformanceTest, ::testing::Values(SqliteFactory()),
                         StoreFactoryName);

}  // namespace
}  // namespace batuta::conformance
