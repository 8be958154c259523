// The engine's log path with the real log hub and store: what a run writes is masked, numbered
// and stored; what the engine records about it (audit) names who did what.
#include "runs/hub_log_writer.h"

#include <gtest/gtest.h>

#include "auth/audit_trail.h"
#include "runs/engine.h"
#include "runs/engine_test_support.h"
#include "runs/job_service.h"
#include "runs/run_service.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::runs {
namespace {

constexpr std::chrono::seconds kWait{10};

class HubLogWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenMigratedStore(dir_.path(), clock_);
    ASSERT_NE(store_, nullptr);
    audit_ = std::make_unique<auth::AuditTrail>(*store_, clock_);
    hub_ = std::make_unique<logs::LogHub>(store_->RunLogs(), masker_, clock_);
    writer_ = std::make_unique<HubLogWriter>(*hub_, masker_);
    types_.Add(std::make_unique<testing::FunctionJobType>("test.secret", [](RunContext& context) {
      context.RegisterSecret("hunter2-is-secret");
      context.Log("info", "connecting with password=hunter2-is-secret");
      context.Log("info", "Authorization: Basic dXNlcjpodW50ZXIyLWlzLXNlY3JldA==");
      context.RegisterSecret("p@ss word/1");
      context.Log("info", "dsn: postgres://u:p%40ss%20word%2F1@db/x");
      return RunOutcome::Success();
    }));
    EngineOptions options;
    options.worker_id = "w";
    engine_ = std::make_unique<Engine>(*store_, *writer_, types_, clock_, options);
    jobs_ = std::make_unique<JobService>(*store_, types_, *audit_, clock_);
    runs_ = std::make_unique<RunService>(*store_, *engine_, *audit_, clock_);
  }
  void TearDown() override {
    engine_->Stop(std::chrono::milliseconds(0));
    (void)hub_->Shutdown();
  }

  batuta::testing::TempDir dir_;
  ManualClock clock_{TimePoint{} + std::chrono::seconds(1'800'000'000)};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<auth::AuditTrail> audit_;
  logs::SecretMasker masker_;
  std::unique_ptr<logs::LogHub> hub_;
  std::unique_ptr<HubLogWriter> writer_;
  JobTypeRegistry types_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<JobService> jobs_;
  std::unique_ptr<RunService> runs_;
};

TEST_F(HubLogWriterTest, RegisteredSecretsNeverReachTheStoreInAnyForm) {
  const auth::Actor maria{"user", "u-1", "maria", "10.0.0.1"};
  auto job = jobs_->Create({{"name", "secretive"}, {"type", "test.secret"}}, true, maria);
  ASSERT_TRUE(job.ok());
  auto run = runs_->Trigger(job->id, nullptr, "manual", maria);
  ASSERT_TRUE(run.ok());
  engine_->Tick();
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  ASSERT_TRUE(hub_->Flush().ok());
  auto lines = store_->RunLogs().ListAfter(run->id, 0, 100);
  ASSERT_TRUE(lines.ok());
  ASSERT_GE(lines->size(), 5U);
  std::int64_t seq = 0;
  for (const auto& line : *lines) {
    EXPECT_EQ(line.seq, ++seq) << "numbered 1, 2, 3 ... without gaps";
    EXPECT_EQ(line.message.find("hunter2"), std::string::npos) << line.message;
    EXPECT_EQ(line.message.find("p%40ss"), std::string::npos) << line.message;
    EXPECT_EQ(line.message.find("aHVudGVyMi1pcy1zZWNyZXQ"), std::string::npos) << line.message;
    EXPECT_EQ(line.message.find("dXNlcjpodW50ZXIyLWlzLXNlY3JldA"), std::string::npos)
        << line.message;
  }
  EXPECT_EQ((*lines)[1].message, "connecting with password=****");
  auto stored = store_->Runs().FindById(run->id);
  EXPECT_EQ((*stored)->log_lines, seq);
}

TEST_F(HubLogWriterTest, JobEditsRunsAndCancelsAreAudited) {
  const auth::Actor maria{"user", "u-1", "maria", "10.0.0.1"};
  auto job = jobs_->Create({{"name", "audited"}, {"type", "test.secret"}}, true, maria);
  ASSERT_TRUE(job.ok());
  ASSERT_TRUE(jobs_
                  ->Update(job->id, {{"name", "audited"}, {"type", "test.secret"}, {"tags", {"x"}}},
                           std::nullopt, maria)
                  .ok());
  auto run = runs_->Trigger(job->id, nullptr, "manual", maria);
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(runs_->Cancel(run->id, maria).ok());
  ASSERT_TRUE(runs_->Rerun(run->id, maria).ok());
  ASSERT_TRUE(jobs_->SetEnabled(job->id, false, maria).ok());
  AuditFilter filter;
  filter.actor_name = "maria";
  auto entries = store_->Audit().List(filter);
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> actions;
  for (const auto& entry : *entries) actions.push_back(entry.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"job.disable", "run.rerun", "run.cancel",
                                               "run.trigger", "job.update", "job.create"}));
  EXPECT_EQ((*entries)[0].remote_address, "10.0.0.1");
}

}  // namespace
}  // namespace batuta::runs
