#include "store_conformance/store_conformance.h"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <iterator>
#include <latch>
#include <ostream>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

namespace batuta::conformance {
namespace {

const TimePoint kStart = std::chrono::sys_days(std::chrono::year{2026} / 1 / 2) +
                         std::chrono::hours(3) + std::chrono::minutes(4) + std::chrono::seconds(5) +
                         std::chrono::milliseconds(678);

// Checks Migrate() applied exactly `expected`, in order, stamped `at`.
void ExpectApplied(const std::vector<AppliedMigration>& applied,
                   const std::vector<Migration>& expected, TimePoint at) {
  ASSERT_EQ(applied.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(MigrationLabel(expected[i].version, expected[i].name));
    EXPECT_EQ(applied[i].version, expected[i].version);
    EXPECT_EQ(applied[i].name, expected[i].name);
    EXPECT_EQ(applied[i].checksum, MigrationChecksum(expected[i].sql));
    EXPECT_EQ(applied[i].applied_at, at);
  }
}

}  // namespace

std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

void StoreConformanceTest::SetUp() {
  clock_.Set(kStart);
  temp_dir_.emplace();
  dir_ = temp_dir_->path();
  ASSERT_FALSE(GetParam().migrations.empty()) << "the factory must list its migrations";
  ASSERT_TRUE(ValidateMigrations(GetParam().migrations).ok());
}

void StoreConformanceTest::TearDown() { temp_dir_.reset(); }

std::unique_ptr<Store> StoreConformanceTest::OpenOrFail(
    std::optional<std::vector<Migration>> migrations) {
  auto store = GetParam().open(dir_, clock_, std::move(migrations));
  if (!store.ok()) {
    ADD_FAILURE() << "opening the store failed: " << store.error().message;
    return nullptr;
  }
  if (*store == nullptr) ADD_FAILURE() << "the factory returned a null store";
  return std::move(store).value();
}

std::unique_ptr<Store> StoreConformanceTest::OpenMigratedOrFail() {
  auto store = OpenOrFail();
  if (store == nullptr) return nullptr;
  auto applied = store->Migrate();
  if (!applied.ok()) {
    ADD_FAILURE() << "Migrate failed: " << applied.error().message;
    return nullptr;
  }
  return store;
}

std::vector<Migration> StoreConformanceTest::BuiltInPlus(std::vector<Migration> extra) const {
  std::vector<Migration> all = GetParam().migrations;
  all.insert(all.end(), std::make_move_iterator(extra.begin()),
             std::make_move_iterator(extra.end()));
  return all;
}

int StoreConformanceTest::NextVersion() const { return GetParam().migrations.back().version + 1; }

// --- identity and health ---------------------------------------------------------------------

TEST_P(StoreConformanceTest, HasAKind) {
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->Kind().empty());
}

TEST_P(StoreConformanceTest, PingsBeforeAndAfterMigrating) {
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  const Status before = store->Ping();
  EXPECT_TRUE(before.ok()) << before.error().message;
  ASSERT_TRUE(store->Migrate().ok());
  const Status after = store->Ping();
  EXPECT_TRUE(after.ok()) << after.error().message;
}

// --- migrations -------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, FreshStoreReportsEverythingPending) {
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  auto status = store->MigrationStatus();
  ASSERT_TRUE(status.ok()) << status.error().message;
  const auto& known = GetParam().migrations;
  EXPECT_EQ(status->applied_version, 0);
  EXPECT_EQ(status->latest_version, known.back().version);
  EXPECT_TRUE(status->applied.empty());
  ASSERT_EQ(status->pending.size(), known.size());
  for (std::size_t i = 0; i < known.size(); ++i) {
    EXPECT_EQ(status->pending[i], (PendingMigration{known[i].version, known[i].name}));
  }
  EXPECT_FALSE(status->problem);
  EXPECT_FALSE(status->UpToDate());
  // Reading the status changes nothing.
  auto again = store->MigrationStatus();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->pending.size(), known.size());
}

TEST_P(StoreConformanceTest, FreshStoreMigratesToLatest) {
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  auto applied = store->Migrate();
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  ExpectApplied(*applied, GetParam().migrations, kStart);

  auto status = store->MigrationStatus();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->applied_version, GetParam().migrations.back().version);
  EXPECT_EQ(status->latest_version, status->applied_version);
  EXPECT_EQ(status->applied, *applied);
  EXPECT_TRUE(status->pending.empty());
  EXPECT_FALSE(status->problem);
  EXPECT_TRUE(status->UpToDate());
}

TEST_P(StoreConformanceTest, MigrateIsIdempotent) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  clock_.Advance(std::chrono::hours(1));
  auto second = store->Migrate();
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->empty());
  auto status = store->MigrationStatus();
  ASSERT_TRUE(status.ok());
  ASSERT_FALSE(status->applied.empty());
  EXPECT_EQ(status->applied.front().applied_at, kStart);  // the first run's stamp stays
}

TEST_P(StoreConformanceTest, ReopeningKeepsMigrationsAndData) {
  {
    auto store = OpenMigratedOrFail();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Meta().Put("kept", "across reopen").ok());
  }
  clock_.Advance(std::chrono::hours(24));
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  auto status = store->MigrationStatus();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_TRUE(status->UpToDate());
  auto applied = store->Migrate();
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_TRUE(applied->empty());
  ExpectApplied(store->MigrationStatus()->applied, GetParam().migrations, kStart);
  auto value = store->Meta().Get("kept");
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(*value, std::optional<std::string>("across reopen"));
}

TEST_P(StoreConformanceTest, AppliesOnlyNewMigrationsOnUpgrade) {
  {
    auto store = OpenMigratedOrFail();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Meta().Put("before", "upgrade").ok());
  }
  clock_.Advance(std::chrono::minutes(30));
  const std::vector<Migration> extra = {
      {NextVersion(), "conformance_upgrade", "CREATE TABLE conformance_upgrade (id INTEGER);"}};
  auto store = OpenOrFail(BuiltInPlus(extra));
  ASSERT_NE(store, nullptr);
  auto status = store->MigrationStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->pending,
            (std::vector<PendingMigration>{{NextVersion(), "conformance_upgrade"}}));
  EXPECT_FALSE(status->problem);
  auto applied = store->Migrate();
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  ExpectApplied(*applied, extra, kStart + std::chrono::minutes(30));
  auto value = store->Meta().Get("before");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, std::optional<std::string>("upgrade"));
}

TEST_P(StoreConformanceTest, RefusesADatabaseFromANewerBinary) {
  const int future = NextVersion();
  {
    auto newer = OpenOrFail(BuiltInPlus(
        {{future, "conformance_future", "CREATE TABLE conformance_future (id INTEGER);"}}));
    ASSERT_NE(newer, nullptr);
    ASSERT_TRUE(newer->Migrate().ok());
  }
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  auto applied = store->Migrate();
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::kConflict);
  EXPECT_NE(applied.error().message.find(std::to_string(future)), std::string::npos)
      << applied.error().message;

  auto status = store->MigrationStatus();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->applied_version, future);
  EXPECT_EQ(status->latest_version, future - 1);
  ASSERT_TRUE(status->problem);
  EXPECT_EQ(status->problem->code, ErrorCode::kConflict);
  EXPECT_FALSE(status->UpToDate());
  // Refusing is stable: asking again gives the same answer and changes nothing.
  auto again = store->Migrate();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, applied.error().message);
}

TEST_P(StoreConformanceTest, RefusesAChangedMigration) {
  const int v = NextVersion();
  {
    auto store = OpenOrFail(
        BuiltInPlus({{v, "conformance_changed", "CREATE TABLE conformance_changed (a INTEGER);"}}));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Migrate().ok());
  }
  auto store = OpenOrFail(BuiltInPlus(
      {{v, "conformance_changed", "CREATE TABLE conformance_changed (a INTEGER, b INTEGER);"}}));
  ASSERT_NE(store, nullptr);
  auto applied = store->Migrate();
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::kConflict);
  EXPECT_NE(applied.error().message.find(MigrationLabel(v, "conformance_changed")),
            std::string::npos)
      << applied.error().message;
  EXPECT_NE(applied.error().message.find("checksum"), std::string::npos);
  auto status = store->MigrationStatus();
  ASSERT_TRUE(status.ok());
  ASSERT_TRUE(status->problem);
  EXPECT_EQ(status->problem->message, applied.error().message);
}

TEST_P(StoreConformanceTest, AFailedMigrationIsRolledBackAndNamed) {
  const int v = NextVersion();
  const Migration good{v, "conformance_good", "CREATE TABLE conformance_good (id INTEGER);"};
  // The first statement succeeds, the second fails: the whole migration must be undone.
  const Migration bad{v + 1, "conformance_bad",
                      "CREATE TABLE conformance_partial (id INTEGER);\n"
                      "INSERT INTO conformance_no_such_table (id) VALUES (1);"};
  {
    auto store = OpenOrFail(BuiltInPlus({good, bad}));
    ASSERT_NE(store, nullptr);
    auto applied = store->Migrate();
    ASSERT_FALSE(applied.ok());
    EXPECT_NE(applied.error().message.find(MigrationLabel(bad.version, bad.name)),
              std::string::npos)
        << applied.error().message;
    auto status = store->MigrationStatus();
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status->applied_version, good.version);  // the ones before it stay applied
    EXPECT_EQ(status->pending, (std::vector<PendingMigration>{{bad.version, bad.name}}));
    EXPECT_FALSE(status->problem);
  }
  // Had the failed migration left conformance_partial behind, creating it again would fail.
  const Migration fixed{v + 1, "conformance_bad", "CREATE TABLE conformance_partial (id INTEGER);"};
  auto store = OpenOrFail(BuiltInPlus({good, fixed}));
  ASSERT_NE(store, nullptr);
  auto applied = store->Migrate();
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  ExpectApplied(*applied, {fixed}, kStart);
}

TEST_P(StoreConformanceTest, ConcurrentMigrationsApplyEachMigrationOnce) {
  // Two handles on the same store, as two processes starting together would have.
  auto first = OpenOrFail();
  auto second = OpenOrFail();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  Result<std::vector<AppliedMigration>> results[2] = {std::vector<AppliedMigration>{},
                                                      std::vector<AppliedMigration>{}};
  std::latch start(2);
  std::thread a([&] {
    start.arrive_and_wait();
    results[0] = first->Migrate();
  });
  std::thread b([&] {
    start.arrive_and_wait();
    results[1] = second->Migrate();
  });
  a.join();
  b.join();
  ASSERT_TRUE(results[0].ok()) << results[0].error().message;
  ASSERT_TRUE(results[1].ok()) << results[1].error().message;
  std::vector<AppliedMigration> all = *results[0];
  all.insert(all.end(), results[1]->begin(), results[1]->end());
  std::sort(all.begin(), all.end(), [](const AppliedMigration& x, const AppliedMigration& y) {
    return x.version < y.version;
  });
  ExpectApplied(all, GetParam().migrations, kStart);
  auto status = first->MigrationStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->UpToDate());
}

// --- instance metadata ------------------------------------------------------------------------

TEST_P(StoreConformanceTest, MetaNeedsAMigratedStore) {
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->Meta().Get("k").ok());
  EXPECT_FALSE(store->Meta().Put("k", "v").ok());
}

TEST_P(StoreConformanceTest, MetaMissingKeyIsEmpty) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  auto value = store->Meta().Get("never.written");
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_FALSE(value->has_value());
}

TEST_P(StoreConformanceTest, MetaPutGetAndOverwrite) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  MetaRepository& meta = store->Meta();
  ASSERT_TRUE(meta.Put("greeting", "olá, mundo").ok());
  ASSERT_TRUE(meta.Put("other", "x").ok());
  EXPECT_EQ(*meta.Get("greeting"), std::optional<std::string>("olá, mundo"));
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_TRUE(meta.Put("greeting", "changed").ok());
  EXPECT_EQ(*meta.Get("greeting"), std::optional<std::string>("changed"));
  EXPECT_EQ(*meta.Get("other"), std::optional<std::string>("x"));
  // Keys are case-sensitive.
  EXPECT_FALSE(meta.Get("GREETING")->has_value());
}

TEST_P(StoreConformanceTest, MetaValuesRoundTripExactly) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  MetaRepository& meta = store->Meta();
  const std::string values[] = {
      "",
      "it's \"quoted\"; DROP TABLE instance_meta; --",
      "line one\nline two\ttabbed\r\n",
      "日本語 ✓ emoji 🎛",
      std::string(MetaRepository::kMaxValueBytes, 'v'),
  };
  for (const std::string& value : values) {
    SCOPED_TRACE(value.substr(0, 40));
    ASSERT_TRUE(meta.Put("roundtrip", value).ok());
    auto got = meta.Get("roundtrip");
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(**got, value);
  }
}

TEST_P(StoreConformanceTest, MetaRejectsInvalidArguments) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  MetaRepository& meta = store->Meta();
  EXPECT_EQ(meta.Get("").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(meta.Put("bad key", "v").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(meta.Put("k", std::string_view("a\0b", 3)).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(meta.Get("k")->has_value());
}

TEST_P(StoreConformanceTest, MetaPutIfAbsentKeepsTheFirstValue) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  MetaRepository& meta = store->Meta();
  auto first = meta.PutIfAbsent("once", "first");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, "first");
  auto second = meta.PutIfAbsent("once", "second");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "first");
  EXPECT_EQ(*meta.Get("once"), std::optional<std::string>("first"));
}

TEST_P(StoreConformanceTest, InstanceIdIsStableAcrossReopenAndUniquePerStore) {
  std::string id;
  {
    auto store = OpenMigratedOrFail();
    ASSERT_NE(store, nullptr);
    auto created = store->Meta().EnsureInstanceId();
    ASSERT_TRUE(created.ok()) << created.error().message;
    id = *created;
    EXPECT_EQ(id.size(), 32u);
    auto again = store->Meta().EnsureInstanceId();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, id);
  }
  {
    auto store = OpenMigratedOrFail();
    ASSERT_NE(store, nullptr);
    auto reopened = store->Meta().EnsureInstanceId();
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    EXPECT_EQ(*reopened, id);
    EXPECT_EQ(*store->Meta().Get(MetaRepository::kInstanceIdKey), std::optional<std::string>(id));
  }
  const std::filesystem::path other_dir = dir_ / "other";
  std::filesystem::create_directories(other_dir);
  auto other = GetParam().open(other_dir, clock_, std::nullopt);
  ASSERT_TRUE(other.ok()) << other.error().message;
  ASSERT_TRUE((*other)->Migrate().ok());
  auto other_id = (*other)->Meta().EnsureInstanceId();
  ASSERT_TRUE(other_id.ok());
  EXPECT_NE(*other_id, id);
}

// --- concurrency ------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, ConcurrentPutAndGetAreSafe) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  MetaRepository& meta = store->Meta();
  constexpr int kThreads = 8;
  constexpr int kRounds = 50;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::vector<std::string> failures(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      const std::string own_key = "thread." + std::to_string(t);
      for (int round = 0; round < kRounds; ++round) {
        const std::string value = std::to_string(t) + ":" + std::to_string(round);
        if (!meta.Put(own_key, value).ok() || !meta.Put("shared", value).ok()) {
          failures[t] = "Put failed in round " + std::to_string(round);
          return;
        }
        // A thread reads its own last write back (read-your-writes across connections).
        auto own = meta.Get(own_key);
        if (!own.ok() || *own != std::optional<std::string>(value)) {
          failures[t] = "own key read back wrong in round " + std::to_string(round);
          return;
        }
        auto shared = meta.Get("shared");
        if (!shared.ok() || !shared->has_value()) {
          failures[t] = "shared key missing in round " + std::to_string(round);
          return;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(*meta.Get("thread." + std::to_string(t)),
              std::optional<std::string>(std::to_string(t) + ":" + std::to_string(kRounds - 1)));
  }
  // The shared key holds the last round of one of the threads.
  std::set<std::string> finals;
  for (int t = 0; t < kThreads; ++t)
    finals.insert(std::to_string(t) + ":" + std::to_string(kRounds - 1));
  auto shared = meta.Get("shared");
  ASSERT_TRUE(shared.ok());
  ASSERT_TRUE(shared->has_value());
  EXPECT_TRUE(finals.count(**shared) == 1) << **shared;
}

TEST_P(StoreConformanceTest, ConcurrentEnsureInstanceIdAgrees) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      auto id = store->Meta().EnsureInstanceId();
      ids[t] = id.ok() ? *id : "error: " + id.error().message;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(ids[t], ids[0]);
  EXPECT_EQ(ids[0].size(), 32u) << ids[0];
}

}  // namespace batuta::conformance
