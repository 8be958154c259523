#include "runs/schedule_ticker.h"

#include <gtest/gtest.h>

#include "auth/audit_trail.h"
#include "runs/engine_test_support.h"
#include "runs/job_service.h"
#include "runs/schedule_service.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::runs {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// 2026-12-01T00:00:00Z
TimePoint Midnight() { return TimePoint{} + seconds(1'796'083'200); }

class ScheduleTickerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenMigratedStore(dir_.path(), clock_);
    ASSERT_NE(store_, nullptr);
    audit_ = std::make_unique<auth::AuditTrail>(*store_, clock_);
    types_.Add(std::make_unique<testing::FunctionJobType>(
        "test.ok", [](RunContext&) { return RunOutcome::Success(); }));
    jobs_ = std::make_unique<JobService>(*store_, types_, *audit_, clock_);
    schedules_ = std::make_unique<ScheduleService>(*store_, *audit_, clock_, "UTC");
    EngineOptions options;
    options.worker_id = "w";
    engine_ = std::make_unique<Engine>(*store_, logs_, types_, clock_, options);
    ticker_ = std::make_unique<ScheduleTicker>(*store_, *engine_, clock_);
  }

  JobRecord Job(nlohmann::json policies = nlohmann::json::object()) {
    auto job = jobs_->Create({{"name", "export"}, {"type", "test.ok"}, {"policies", policies}},
                             true, auth::Actor::System("t"));
    EXPECT_TRUE(job.ok()) << job.error().message;
    return *job;
  }

  ScheduleRecord Schedule(const JobRecord& job, const nlohmann::json& body) {
    auto schedule = schedules_->Create(job.id, body, auth::Actor::System("t"));
    EXPECT_TRUE(schedule.ok()) << schedule.error().message;
    return *schedule;
  }

  std::vector<RunRecord> Runs() {
    RunFilter filter;
    filter.limit = 1000;
    auto runs = store_->Runs().List(filter);
    return runs.ok() ? *runs : std::vector<RunRecord>{};
  }

  batuta::testing::TempDir dir_;
  ManualClock clock_{Midnight() + hours(5)};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<auth::AuditTrail> audit_;
  JobTypeRegistry types_;
  testing::RecordingLogWriter logs_;
  std::unique_ptr<JobService> jobs_;
  std::unique_ptr<ScheduleService> schedules_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ScheduleTicker> ticker_;
};

TEST_F(ScheduleTickerTest, FiresOnceAtTheScheduledTimeAndMovesOnFromIt) {
  const auto job = Job();
  const auto schedule = Schedule(job, {{"cron", "0 6 * * *"}});
  EXPECT_EQ(schedule.next_fire_at, Midnight() + hours(6));
  clock_.Set(Midnight() + hours(6) - seconds(1));
  EXPECT_EQ(ticker_->Tick(), 0);
  clock_.Set(Midnight() + hours(6) + std::chrono::milliseconds(20));
  EXPECT_EQ(ticker_->Tick(), 1);
  EXPECT_EQ(ticker_->Tick(), 0) << "a time fires once";
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].trigger, "schedule");
  EXPECT_EQ(runs[0].scheduled_for, Midnight() + hours(6));
  EXPECT_EQ(runs[0].schedule_id, schedule.id);
  const auto stored = schedules_->Get(schedule.id);
  EXPECT_EQ(stored->next_fire_at, Midnight() + hours(30));
  EXPECT_EQ(stored->last_scheduled_for, Midnight() + hours(6));
}

TEST_F(ScheduleTickerTest, TwoTickersOnOneStoreNeverFireATimeTwice) {
  const auto job = Job();
  Schedule(job, {{"cron", "*/5 * * * *"}});
  ScheduleTicker other(*store_, *engine_, clock_);
  int fired = 0;
  for (int minute = 0; minute <= 60; ++minute) {
    clock_.Set(Midnight() + hours(5) + minutes(minute));
    fired += ticker_->Tick();
    fired += other.Tick();
  }
  EXPECT_EQ(fired, 12);
  EXPECT_EQ(Runs().size(), 12U);
}

TEST_F(ScheduleTickerTest, AfterDowntimeSkipDropsMissedFiresAndRunOnceFiresTheLatest) {
  const auto job = Job({{"overlap", "allow"}, {"max_concurrent", 10}});
  const auto skip = Schedule(job, {{"cron", "0 * * * *"}, {"misfire", {{"policy", "skip"}}}});
  const auto once = Schedule(job, {{"cron", "30 * * * *"}, {"misfire", {{"policy", "run_once"}}}});
  clock_.Set(Midnight() + hours(10) + minutes(45));  // down since 05:00
  EXPECT_EQ(ticker_->Tick(), 1);
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].schedule_id, once.id);
  EXPECT_EQ(runs[0].scheduled_for, Midnight() + hours(10) + minutes(30));
  EXPECT_EQ(schedules_->Get(skip.id)->next_fire_at, Midnight() + hours(11));
  EXPECT_EQ(schedules_->Get(once.id)->next_fire_at, Midnight() + hours(11) + minutes(30));
}

TEST_F(ScheduleTickerTest, CatchUpFiresTheMostRecentMissedTimesWithinItsWindow) {
  const auto job = Job({{"overlap", "allow"}, {"max_concurrent", 10}});
  Schedule(job, {{"cron", "0 * * * *"},
                 {"misfire", {{"policy", "catch_up"}, {"max", 3}, {"window_seconds", 86400}}}});
  clock_.Set(Midnight() + hours(10) + minutes(45));
  EXPECT_EQ(ticker_->Tick(), 3);
  std::vector<TimePoint> times;
  for (const auto& run : Runs()) times.push_back(*run.scheduled_for);
  std::sort(times.begin(), times.end());
  EXPECT_EQ(times, (std::vector<TimePoint>{Midnight() + hours(8), Midnight() + hours(9),
                                           Midnight() + hours(10)}));
}

TEST_F(ScheduleTickerTest, SkipOverlapRecordsTheFireAsSkippedWhileARunIsActive) {
  const auto job = Job({{"overlap", "skip"}});
  const auto schedule = Schedule(job, {{"cron", "* * * * *"}});
  clock_.Set(Midnight() + hours(5) + minutes(1));
  EXPECT_EQ(ticker_->Tick(), 1);
  clock_.Set(Midnight() + hours(5) + minutes(2));
  ticker_->Tick();
  EXPECT_EQ(Runs().size(), 1U) << "the first run is still queued";
  auto fires = store_->Schedules().ListFires(schedule.id, 10);
  ASSERT_TRUE(fires.ok());
  ASSERT_EQ(fires->size(), 2U);
  EXPECT_EQ((*fires)[0].skipped_reason, "overlap");
}

TEST_F(ScheduleTickerTest, DisabledJobsAndSchedulesDoNotFire) {
  const auto job = Job();
  const auto schedule = Schedule(job, {{"cron", "* * * * *"}});
  ASSERT_TRUE(jobs_->SetEnabled(job.id, false, auth::Actor::System("t")).ok());
  clock_.Set(Midnight() + hours(5) + minutes(1));
  EXPECT_EQ(ticker_->Tick(), 0);
  ASSERT_TRUE(jobs_->SetEnabled(job.id, true, auth::Actor::System("t")).ok());
  ASSERT_TRUE(schedules_
                  ->Update(schedule.id, {{"cron", "* * * * *"}, {"enabled", false}},
                           auth::Actor::System("t"))
                  .ok());
  clock_.Set(Midnight() + hours(5) + minutes(3));
  EXPECT_EQ(ticker_->Tick(), 0);
}

TEST_F(ScheduleTickerTest, ScheduleValidationNamesTheField) {
  const auto job = Job();
  auto bad_cron = schedules_->Create(job.id, {{"cron", "0 25 * * *"}}, auth::Actor::System("t"));
  ASSERT_FALSE(bad_cron.ok());
  EXPECT_EQ(bad_cron.error().details["field"], "cron");
  auto bad_zone = schedules_->Create(job.id, {{"cron", "0 1 * * *"}, {"timezone", "Mars/Base"}},
                                     auth::Actor::System("t"));
  ASSERT_FALSE(bad_zone.ok());
  EXPECT_EQ(bad_zone.error().details["field"], "timezone");
  auto unknown_job = schedules_->Create("nope", {{"cron", "0 1 * * *"}}, auth::Actor::System("t"));
  EXPECT_EQ(unknown_job.error().code, ErrorCode::kNotFound);
}

TEST_F(ScheduleTickerTest, PreviewDescribesAndListsTheNextFires) {
  auto preview = schedules_->Preview({{"weekdays", {"mon", "tue", "wed", "thu", "fri"}},
                                      {"times", {"06:00", "12:30"}},
                                      {"timezone", "America/Sao_Paulo"}},
                                     5);
  ASSERT_TRUE(preview.ok()) << preview.error().message;
  EXPECT_EQ((*preview)["next"].size(), 5U);
  EXPECT_EQ((*preview)["next"][0], "2026-12-01T09:00:00.000Z");  // 06:00 in São Paulo (UTC-3)
  EXPECT_NE((*preview)["description"]["en"].get<std::string>().find("06:00"), std::string::npos);
}

}  // namespace
}  // namespace batuta::runs
