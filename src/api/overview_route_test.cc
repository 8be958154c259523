// GET /api/v1/overview through the real server over SQLite. Runs are written straight to the
// store with chosen times (queued, claimed, finished), so every count and day is known.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/api_test_support.h"

namespace batuta::api {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using testing::Caller;
using Json = nlohmann::json;

// The test server's clock: 2027-01-15T08:00:00Z, 05:00 in São Paulo (UTC-3, no DST in 2027).
const TimePoint kNow{std::chrono::seconds(1'800'000'000)};

// "test.noop": any config; jobs here are only counted and scheduled, never run.
class NoopJobType final : public runs::JobType {
 public:
  std::string_view Name() const override { return "test.noop"; }
  std::string_view Description() const override { return "Does nothing."; }
  Status ValidateConfig(const Json&) const override { return Ok(); }
  runs::RunOutcome Run(runs::RunContext&) const override { return runs::RunOutcome::Success({}); }
};

class OverviewRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.job_types().Add(std::make_unique<NoopJobType>());
    server_.Start();
  }

  struct Reply {
    int status = 0;
    Json body;
  };
  Reply Get(const std::string& target, const Caller& caller = Caller::Key("viewer")) {
    const auto reply = server_.Send("GET", target, caller);
    return {reply.status, Json::parse(reply.body, nullptr, false)};
  }
  std::string CreateJob(const std::string& name) {
    const auto reply = server_.SendJson(
        "POST", "/api/v1/jobs", Caller::Session("editor"),
        Json{{"name", name}, {"type", "test.noop"}, {"config", Json::object()}}.dump());
    const Json body = Json::parse(reply.body, nullptr, false);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return body.value("id", "");
  }

  // A run of job `job` queued at `queued`; when `status` is terminal it is claimed at
  // `queued` and ends `took` later (kCancelled: cancelled while queued, never started). Its
  // id sorts by queue time, as real (ULID) ids do. Add runs oldest first, a kQueued one last,
  // so each claim takes the run just added.
  void AddRun(const std::string& job, TimePoint queued, RunStatus status,
              milliseconds took = milliseconds(0), const std::string& error = "") {
    RunRecord run;
    run.id = fmt::format("r{:015}-{}", queued.time_since_epoch().count(), ++run_count_);
    run.job_id = job;
    run.job_name = "job " + job;
    run.job_version = 1;
    run.trigger = "schedule";
    run.actor_kind = "system";
    run.actor_name = "scheduler";
    run.root_run_id = run.id;
    run.queued_at = queued;
    run.available_at = queued;
    auto& runs = server_.store().Runs();
    ASSERT_TRUE(runs.Enqueue(run).ok());
    if (status == RunStatus::kQueued) return;
    if (status == RunStatus::kCancelled) {
      ASSERT_TRUE(runs.RequestCancel(run.id, queued + took).ok());
      return;
    }
    ClaimRequest claim;
    claim.worker_id = "w";
    claim.now = queued;
    auto claimed = runs.Claim(claim);
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 1u);
    ASSERT_EQ(claimed->front().id, run.id) << "add runs oldest first, queued ones last";
    if (status == RunStatus::kRunning) return;
    RunCompletion done;
    done.status = status;
    done.error = error;
    done.finished_at = queued + took;
    ASSERT_TRUE(runs.Finish(run.id, claimed->front().lease_token, done).ok());
  }

  static Json DayOf(const Json& overview, const std::string& date) {
    for (const auto& day : overview["daily"]) {
      if (day["date"] == date) return day;
    }
    return Json();
  }

  testing::ApiTestServer server_;
  int run_count_ = 0;
};

TEST_F(OverviewRouteTest, AnEmptyServerHasZerosAndNoRate) {
  const auto reply = Get("/api/v1/overview");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  const Json& o = reply.body;
  EXPECT_EQ(o["generated_at"], "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(o["time_zone"], "UTC");  // the server's zone when none is asked for
  EXPECT_EQ(o["days"], 14);
  EXPECT_EQ(o["jobs"], (Json{{"total", 0}, {"enabled", 0}}));
  EXPECT_EQ(o["today"]["runs"], 0);
  EXPECT_TRUE(o["window"]["success_rate"].is_null());
  EXPECT_EQ(o["window"]["from"], "2027-01-02T00:00:00.000Z");
  ASSERT_EQ(o["daily"].size(), 14u);
  EXPECT_EQ(o["daily"].front()["date"], "2027-01-02");
  EXPECT_EQ(o["daily"].back()["date"], "2027-01-15");
  EXPECT_TRUE(o["daily"].back()["p50_duration_ms"].is_null());
  EXPECT_TRUE(o["recent_failures"].empty());
  EXPECT_TRUE(o["upcoming_fires"].empty());
  EXPECT_TRUE(o["recent_runs"].empty());
}

TEST_F(OverviewRouteTest, CountsDaysInTheAskedZone) {
  const TimePoint local_midnight = kNow - hours(5);  // 2027-01-15T03:00Z, 00:00 in São Paulo
  AddRun("a", local_midnight - hours(30), RunStatus::kCancelled);  // the 13th, never started
  // One minute before local midnight: yesterday there, though it is the 15th in UTC.
  AddRun("b", local_midnight - minutes(1), RunStatus::kTimedOut, milliseconds(60'000),
         "timed out after 60 s");
  // Today in São Paulo: two successes (2 s and 4 s), one failure, one running, one queued.
  AddRun("a", local_midnight + minutes(1), RunStatus::kSucceeded, milliseconds(2'000));
  AddRun("a", local_midnight + minutes(2), RunStatus::kSucceeded, milliseconds(4'000));
  AddRun("b", local_midnight + minutes(3), RunStatus::kFailed, milliseconds(500),
         "connection refused");
  AddRun("a", local_midnight + minutes(4), RunStatus::kRunning);
  AddRun("b", local_midnight + minutes(5), RunStatus::kQueued);

  const auto reply = Get("/api/v1/overview?tz=America/Sao_Paulo&days=3");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  const Json& o = reply.body;
  EXPECT_EQ(o["time_zone"], "America/Sao_Paulo");
  EXPECT_EQ(o["today"], (Json{{"runs", 5},
                              {"succeeded", 2},
                              {"failed", 1},
                              {"cancelled", 0},
                              {"running", 1},
                              {"queued", 1}}));
  ASSERT_EQ(o["daily"].size(), 3u);
  EXPECT_EQ(DayOf(o, "2027-01-15"), (Json{{"date", "2027-01-15"},
                                          {"succeeded", 2},
                                          {"failed", 1},
                                          {"cancelled", 0},
                                          {"other", 2},
                                          {"p50_duration_ms", 2'000},
                                          {"max_duration_ms", 4'000}}));
  EXPECT_EQ(DayOf(o, "2027-01-14")["failed"], 1);  // the timed-out run
  EXPECT_EQ(DayOf(o, "2027-01-14")["p50_duration_ms"], 60'000);
  EXPECT_EQ(DayOf(o, "2027-01-13")["cancelled"], 1);
  EXPECT_TRUE(DayOf(o, "2027-01-13")["p50_duration_ms"].is_null());

  // Window: 7 runs, 5 finished; cancelled runs are not judged: 2 of 4.
  EXPECT_EQ(o["window"]["from"], "2027-01-13T03:00:00.000Z");
  EXPECT_EQ(o["window"]["runs"], 7);
  EXPECT_EQ(o["window"]["finished"], 5);
  EXPECT_EQ(o["window"]["succeeded"], 2);
  EXPECT_DOUBLE_EQ(o["window"]["success_rate"].get<double>(), 0.5);

  // Failures newest first, with their errors; the chart's runs oldest first, finished only.
  ASSERT_EQ(o["recent_failures"].size(), 2u);
  EXPECT_EQ(o["recent_failures"][0]["status"], "failed");
  EXPECT_EQ(o["recent_failures"][0]["error"], "connection refused");
  EXPECT_EQ(o["recent_failures"][0]["job_name"], "job b");
  EXPECT_EQ(o["recent_failures"][1]["status"], "timed_out");
  EXPECT_EQ(o["recent_failures"][1]["duration_ms"], 60'000);
  std::vector<std::string> chart;
  for (const auto& run : o["recent_runs"]) chart.push_back(run["status"].get<std::string>());
  EXPECT_EQ(chart, (std::vector<std::string>{"cancelled", "timed_out", "succeeded", "succeeded",
                                             "failed"}));
  EXPECT_TRUE(o["recent_runs"][0]["duration_ms"].is_null());
}

TEST_F(OverviewRouteTest, ADaylightSavingDayIsOneDay) {
  // New York left DST on 2026-11-01: that day had 25 hours, 04:00Z to 05:00Z the next day.
  server_.clock().Set(TimePoint{std::chrono::sys_days(std::chrono::year{2026} / 11 / 2)} +
                      hours(12));
  const TimePoint nov1_midnight{std::chrono::sys_days(std::chrono::year{2026} / 11 / 1) + hours(4)};
  AddRun("a", nov1_midnight + hours(24) + minutes(30), RunStatus::kSucceeded);  // 23:30 local
  AddRun("a", nov1_midnight + hours(25) + minutes(30), RunStatus::kFailed);     // Nov 2, 00:30
  const auto reply = Get("/api/v1/overview?tz=America/New_York&days=2");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(DayOf(reply.body, "2026-11-01")["succeeded"], 1);
  EXPECT_EQ(DayOf(reply.body, "2026-11-01")["failed"], 0);
  EXPECT_EQ(DayOf(reply.body, "2026-11-02")["failed"], 1);
  EXPECT_EQ(reply.body["window"]["from"], "2026-11-01T04:00:00.000Z");
}

TEST_F(OverviewRouteTest, CountsJobsAndListsUpcomingFiresOfEnabledJobs) {
  const std::string nightly = CreateJob("nightly");
  const std::string paused = CreateJob("paused");
  CreateJob("unscheduled");
  for (const auto& [job, cron] : {std::pair{nightly, "0 2 * * *"}, {paused, "0 1 * * *"}}) {
    const auto reply =
        server_.SendJson("POST", "/api/v1/jobs/" + job + "/schedules", Caller::Session("editor"),
                         Json{{"cron", cron}, {"timezone", "UTC"}}.dump());
    ASSERT_EQ(reply.status, 201) << reply.body;
  }
  ASSERT_EQ(
      server_
          .SendJson("POST", "/api/v1/jobs/" + paused + "/disable", Caller::Session("editor"), "{}")
          .status,
      200);

  const auto reply = Get("/api/v1/overview");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["jobs"], (Json{{"total", 3}, {"enabled", 2}}));
  ASSERT_EQ(reply.body["upcoming_fires"].size(), 1u) << reply.body["upcoming_fires"].dump();
  const Json& fire = reply.body["upcoming_fires"][0];
  EXPECT_EQ(fire["job_id"], nightly);
  EXPECT_EQ(fire["job_name"], "nightly");
  EXPECT_EQ(fire["fire_at"], "2027-01-16T02:00:00.000Z");
}

TEST_F(OverviewRouteTest, RefusesBadDaysAndZonesNamingTheParameter) {
  for (const std::string query : {"days=0", "days=91", "days=two", "days=-1"}) {
    const auto reply = Get("/api/v1/overview?" + query);
    EXPECT_EQ(reply.status, 422) << query;
    EXPECT_EQ(reply.body["error"]["details"]["field"], "days") << query;
  }
  for (const std::string query : {"tz=Mars/Olympus", "tz=..%2Fetc", "tz="}) {
    const auto reply = Get("/api/v1/overview?" + query);
    EXPECT_EQ(reply.status, 422) << query;
    EXPECT_EQ(reply.body["error"]["details"]["field"], "tz") << query;
  }
}

}  // namespace
}  // namespace batuta::api
