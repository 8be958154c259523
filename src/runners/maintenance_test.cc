#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runners/fake_run_context.h"
#include "runners/maintenance_backup.h"
#include "runners/maintenance_prune.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::runners {
namespace {

using std::chrono::hours;

TimePoint Day(int n) { return TimePoint{} + std::chrono::seconds(1'800'000'000) + hours(24) * n; }

class MaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(dir_.path() / "batuta.db", clock_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->Migrate().ok());
  }

  // A run of `job` that finished on day `day`.
  void FinishedRun(const std::string& job, int day) {
    RunRecord run;
    run.id = fmt::format("run-{:03}-{}", ++count_, job);
    run.root_run_id = run.id;
    run.job_id = job;
    run.job_name = job;
    run.trigger = "manual";
    run.queued_at = Day(day);
    run.available_at = Day(day);
    ASSERT_TRUE(store_->Runs().Enqueue(run).ok());
    ClaimRequest claim;
    claim.worker_id = "w";
    claim.now = Day(day);
    auto claimed = store_->Runs().Claim(claim);
    ASSERT_TRUE(claimed.ok() && claimed->size() == 1);
    RunCompletion completion;
    completion.finished_at = Day(day);
    ASSERT_TRUE(store_->Runs().Finish(run.id, (*claimed)[0].lease_token, completion).ok());
  }

  std::size_t RunsOf(const std::string& job) {
    RunFilter filter;
    filter.job_id = job;
    filter.limit = 1000;
    return store_->Runs().List(filter)->size();
  }

  batuta::testing::TempDir dir_;
  ManualClock clock_{Day(100)};
  std::unique_ptr<SqliteStore> store_;
  int count_ = 0;
};

TEST_F(MaintenanceTest, PruneDeletesOldRunsButKeepsTheNewestOfEachJob) {
  for (int day = 0; day < 10; ++day) FinishedRun("daily", day);
  FinishedRun("yearly", 1);
  for (int day = 95; day < 100; ++day) FinishedRun("daily", day);
  MaintenancePrune prune(*store_);
  testing::FakeContext context(clock_, {{"older_than_days", 30}, {"keep_per_job", 3}});
  const auto outcome = prune.Run(context);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(outcome.result["deleted_runs"], 10);
  EXPECT_EQ(RunsOf("daily"), 5U) << "the recent five stay";
  EXPECT_EQ(RunsOf("yearly"), 1U) << "the newest of a job stays whatever its age";
}

TEST_F(MaintenanceTest, PruneConfigIsValidated) {
  MaintenancePrune prune(*store_);
  EXPECT_TRUE(prune.ValidateConfig(nlohmann::json::object()).ok());
  auto bad = prune.ValidateConfig({{"older_than_days", -1}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details["field"], "config.older_than_days");
  EXPECT_EQ(prune.ValidateConfig({{"days", 3}}).error().details["field"], "config.days");
}

TEST_F(MaintenanceTest, BackupWritesAStoreThatOpensWithTheSameDataAndKeepsTheNewest) {
  FinishedRun("daily", 1);
  MaintenanceBackup backup(*store_, dir_.path());
  std::vector<std::string> files;
  for (int i = 0; i < 3; ++i) {
    clock_.Set(Day(100 + i));
    testing::FakeContext context(clock_, {{"keep", 2}});
    const auto outcome = backup.Run(context);
    ASSERT_TRUE(outcome.succeeded) << outcome.error;
    files.push_back(outcome.result["file"]);
    EXPECT_GT(outcome.result["bytes"].get<std::int64_t>(), 0);
  }
  EXPECT_FALSE(std::filesystem::exists(files[0])) << "beyond keep";
  EXPECT_TRUE(std::filesystem::exists(files[1]));
  EXPECT_EQ(std::filesystem::path(files[2]).parent_path(), dir_.path() / "backups");
  auto copy = SqliteStore::Open(files[2], clock_);
  ASSERT_TRUE(copy.ok());
  RunFilter filter;
  EXPECT_EQ((*copy)->Runs().List(filter)->size(), 1U);
}

TEST_F(MaintenanceTest, BackupFolderMayNotLeaveTheDataFolder) {
  MaintenanceBackup backup(*store_, dir_.path());
  EXPECT_TRUE(backup.ValidateConfig({{"folder", "nightly/store"}}).ok());
  for (const char* folder : {"../elsewhere", "/etc", "a/../../b"}) {
    auto refused = backup.ValidateConfig({{"folder", folder}});
    ASSERT_FALSE(refused.ok()) << folder;
    EXPECT_EQ(refused.error().details["field"], "config.folder");
  }
  EXPECT_FALSE(backup.ValidateConfig({{"keep", 0}}).ok());
}

}  // namespace
}  // namespace batuta::runners
