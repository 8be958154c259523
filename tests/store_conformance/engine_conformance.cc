// Conformance of the engine repositories: jobs and their versions, schedules and their fires,
// the run queue and history, run logs, and the store backup.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store_conformance/store_conformance.h"

namespace batuta::conformance {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const TimePoint kT0 = std::chrono::sys_days(std::chrono::year{2026} / 5 / 6) + hours(7);

JobRecord MakeJob(std::string id, std::string name, std::vector<std::string> tags = {},
                  std::string type = "sql_export") {
  JobRecord job;
  job.id = std::move(id);
  job.name = std::move(name);
  job.definition = {{"name", job.name}, {"type", type}, {"tags", tags}, {"config", {{"n", 1}}}};
  job.created_at = kT0;
  job.updated_at = kT0;
  job.updated_by = "maria";
  return job;
}

// Ids sort by time as ULIDs do: "r0001" < "r0002" ...
std::string RunId(int n) { return fmt::format("r{:04}", n); }

RunRecord MakeRun(std::string id, std::string job_id, TimePoint queued_at) {
  RunRecord run;
  run.id = std::move(id);
  run.job_id = std::move(job_id);
  run.job_name = "name of " + run.job_id;
  run.job_version = 1;
  run.trigger = "manual";
  run.actor_kind = "user";
  run.actor_name = "maria";
  run.root_run_id = run.id;
  run.queued_at = queued_at;
  run.available_at = queued_at;
  return run;
}

ScheduleRecord MakeSchedule(std::string id, std::string job_id,
                            std::optional<TimePoint> next_fire_at) {
  ScheduleRecord schedule;
  schedule.id = std::move(id);
  schedule.job_id = std::move(job_id);
  schedule.spec = {{"cron", "0 6 * * 1-5"}, {"time_zone", "America/Sao_Paulo"}};
  schedule.misfire = {{"policy", "fire_once"}};
  schedule.next_fire_at = next_fire_at;
  schedule.created_at = kT0;
  schedule.updated_at = kT0;
  return schedule;
}

RunCompletion Completion(RunStatus status, TimePoint at) {
  RunCompletion completion;
  completion.status = status;
  completion.finished_at = at;
  return completion;
}

ClaimRequest Request(std::string worker, TimePoint now, int limit = 1) {
  ClaimRequest request;
  request.worker_id = std::move(worker);
  request.now = now;
  request.limit = limit;
  return request;
}

std::vector<std::string> Ids(const std::vector<RunRecord>& runs) {
  std::vector<std::string> ids;
  ids.reserve(runs.size());
  for (const RunRecord& run : runs) ids.push_back(run.id);
  return ids;
}

std::vector<std::string> Names(const std::vector<JobRecord>& jobs) {
  std::vector<std::string> names;
  names.reserve(jobs.size());
  for (const JobRecord& job : jobs) names.push_back(job.name);
  return names;
}

std::vector<std::string> ScheduleIds(const std::vector<ScheduleRecord>& schedules) {
  std::vector<std::string> ids;
  ids.reserve(schedules.size());
  for (const ScheduleRecord& schedule : schedules) ids.push_back(schedule.id);
  return ids;
}

// --- jobs --------------------------------------------------------------------------------------

TEST_P(EngineConformanceTest, CreatesAJobAsVersionOne) {
  auto& jobs = store_->Jobs();
  JobRecord job = MakeJob("j1", "export-sales", {"bi"});
  job.version = 7;  // ignored
  ASSERT_TRUE(jobs.Create(job).ok());
  auto found = jobs.FindById("j1");
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->name, "export-sales");
  EXPECT_TRUE((*found)->enabled);
  EXPECT_EQ((*found)->version, 1);
  EXPECT_EQ((*found)->definition, job.definition);
  EXPECT_EQ((*found)->created_at, kT0);
  EXPECT_EQ((*found)->updated_at, kT0);
  EXPECT_EQ((*found)->updated_by, "maria");
  auto by_name = jobs.FindByName("export-sales");
  ASSERT_TRUE(by_name.ok() && by_name->has_value());
  EXPECT_EQ((*by_name)->id, "j1");
  auto version = jobs.FindVersion("j1", 1);
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(version->job_id, "j1");
  EXPECT_EQ(version->version, 1);
  EXPECT_EQ(version->definition, job.definition);
  EXPECT_EQ(version->created_at, kT0);
  EXPECT_EQ(version->created_by, "maria");
  EXPECT_FALSE(jobs.FindById("nope")->has_value());
  EXPECT_FALSE(jobs.FindByName("nope")->has_value());
  EXPECT_EQ(jobs.FindVersion("j1", 2).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(jobs.FindVersion("nope", 1).error().code, ErrorCode::kNotFound);
}

TEST_P(EngineConformanceTest, AJobNameIsTaken) {
  auto& jobs = store_->Jobs();
  ASSERT_TRUE(jobs.Create(MakeJob("j1", "export")).ok());
  const Status again = jobs.Create(MakeJob("j2", "export"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(jobs.FindById("j2")->has_value());
  const Status same_id = jobs.Create(MakeJob("j1", "other"));
  ASSERT_FALSE(same_id.ok());
  EXPECT_EQ(same_id.error().code, ErrorCode::kConflict);
}

TEST_P(EngineConformanceTest, UpdatingAJobIsCompareAndSetAndKeepsVersions) {
  auto& jobs = store_->Jobs();
  const JobRecord original = MakeJob("j1", "export");
  ASSERT_TRUE(jobs.Create(original).ok());
  ASSERT_TRUE(jobs.Create(MakeJob("j2", "taken")).ok());
  const nlohmann::json v2 = {{"name", "export-v2"}, {"type", "sql_export"}, {"n", 2}};
  auto updated = jobs.Update("j1", 1, "export-v2", v2, kT0 + hours(1), "joao");
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->id, "j1");
  EXPECT_EQ(updated->name, "export-v2");
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->definition, v2);
  EXPECT_EQ(updated->created_at, kT0);
  EXPECT_EQ(updated->updated_at, kT0 + hours(1));
  EXPECT_EQ(updated->updated_by, "joao");
  EXPECT_FALSE(jobs.FindByName("export")->has_value());
  ASSERT_TRUE(jobs.FindByName("export-v2")->has_value());

  // Another editor who also read version 1 loses.
  auto stale = jobs.Update("j1", 1, "export-v3", v2, kT0 + hours(2), "ana");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  // Renaming onto another job's name fails and changes nothing.
  auto clash = jobs.Update("j1", 2, "taken", v2, kT0 + hours(2), "ana");
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(jobs.Update("nope", 1, "x", v2, kT0, "ana").error().code, ErrorCode::kNotFound);
  auto current = jobs.FindById("j1");
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->version, 2);
  EXPECT_EQ((*current)->name, "export-v2");
  // Keeping the name is no clash with itself.
  auto v3 = jobs.Update("j1", 2, "export-v2", {{"n", 3}}, kT0 + hours(3), "ana");
  ASSERT_TRUE(v3.ok()) << v3.error().message;
  EXPECT_EQ(v3->version, 3);

  auto versions = jobs.ListVersions("j1");
  ASSERT_TRUE(versions.ok()) << versions.error().message;
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].version, 3);
  EXPECT_EQ((*versions)[1].version, 2);
  EXPECT_EQ((*versions)[1].definition, v2);
  EXPECT_EQ((*versions)[1].created_by, "joao");
  EXPECT_EQ((*versions)[1].created_at, kT0 + hours(1));
  EXPECT_EQ((*versions)[2].version, 1);
  EXPECT_EQ((*versions)[2].definition, original.definition);
  EXPECT_EQ(jobs.FindVersion("j1", 1)->definition, original.definition);
  EXPECT_TRUE(jobs.ListVersions("nope")->empty());
}

TEST_P(EngineConformanceTest, EnablingAJobMakesNoVersion) {
  auto& jobs = store_->Jobs();
  ASSERT_TRUE(jobs.Create(MakeJob("j1", "export")).ok());
  ASSERT_TRUE(jobs.SetEnabled("j1", false, kT0 + minutes(5)).ok());
  auto job = jobs.FindById("j1");
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_FALSE((*job)->enabled);
  EXPECT_EQ((*job)->version, 1);
  EXPECT_EQ((*job)->updated_at, kT0 + minutes(5));
  EXPECT_EQ(jobs.ListVersions("j1")->size(), 1u);
  EXPECT_EQ(jobs.SetEnabled("nope", true, kT0).error().code, ErrorCode::kNotFound);
}

TEST_P(EngineConformanceTest, DeletingAJobTakesVersionsAndSchedulesButNotRuns) {
  auto& jobs = store_->Jobs();
  ASSERT_TRUE(jobs.Create(MakeJob("j1", "export")).ok());
  ASSERT_TRUE(jobs.Update("j1", 1, "export", {{"n", 2}}, kT0, "ana").ok());
  ASSERT_TRUE(store_->Schedules().Create(MakeSchedule("s1", "j1", kT0)).ok());
  ScheduleAdvance advance;
  advance.schedule_id = "s1";
  advance.expected_next_fire_at = kT0;
  advance.fires.push_back({kT0, MakeRun(RunId(1), "j1", kT0), ""});
  advance.next_fire_at = kT0 + hours(24);
  advance.now = kT0;
  ASSERT_TRUE(*store_->Schedules().Advance(advance));

  ASSERT_TRUE(jobs.Delete("j1").ok());
  EXPECT_FALSE(jobs.FindById("j1")->has_value());
  EXPECT_TRUE(jobs.ListVersions("j1")->empty());
  EXPECT_EQ(jobs.FindVersion("j1", 1).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(store_->Schedules().FindById("s1")->has_value());
  EXPECT_TRUE(store_->Schedules().ListFires("s1", 10)->empty());
  auto run = store_->Runs().FindById(RunId(1));
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->job_id, "j1");
  EXPECT_EQ(jobs.Delete("j1").error().code, ErrorCode::kNotFound);
  // The name is free again.
  EXPECT_TRUE(jobs.Create(MakeJob("j2", "export")).ok());
}

TEST_P(EngineConformanceTest, CountsJobsAndEnabledJobs) {
  auto& jobs = store_->Jobs();
  EXPECT_EQ(jobs.Count()->total, 0);
  EXPECT_EQ(jobs.Count()->enabled, 0);
  ASSERT_TRUE(jobs.Create(MakeJob("j1", "alpha")).ok());
  ASSERT_TRUE(jobs.Create(MakeJob("j2", "beta")).ok());
  ASSERT_TRUE(jobs.Create(MakeJob("j3", "gamma")).ok());
  ASSERT_TRUE(jobs.SetEnabled("j2", false, kT0).ok());
  auto counts = jobs.Count();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total, 3);
  EXPECT_EQ(counts->enabled, 2);
}

TEST_P(EngineConformanceTest, ListsJobsByNameWithFilters) {
  auto& jobs = store_->Jobs();
  ASSERT_TRUE(jobs.Create(MakeJob("j1", "charlie", {"bi", "daily"})).ok());
  ASSERT_TRUE(jobs.Create(MakeJob("j2", "alpha", {"ops"}, "http_dispatch")).ok());
  ASSERT_TRUE(jobs.Create(MakeJob("j3", "bravo", {"bi"})).ok());
  ASSERT_TRUE(jobs.Create(MakeJob("j4", "delta")).ok());
  ASSERT_TRUE(jobs.SetEnabled("j3", false, kT0).ok());

  EXPECT_EQ(Names(*jobs.List({})),
            (std::vector<std::string>{"alpha", "bravo", "charlie", "delta"}));
  JobFilter tag;
  tag.tag = "bi";
  EXPECT_EQ(Names(*jobs.List(tag)), (std::vector<std::string>{"bravo", "charlie"}));
  tag.tag = "b";  // a whole tag, not a part of one
  EXPECT_TRUE(jobs.List(tag)->empty());
  JobFilter type;
  type.type = "http_dispatch";
  EXPECT_EQ(Names(*jobs.List(type)), (std::vector<std::string>{"alpha"}));
  JobFilter enabled;
  enabled.enabled = false;
  EXPECT_EQ(Names(*jobs.List(enabled)), (std::vector<std::string>{"bravo"}));
  enabled.enabled = true;
  enabled.tag = "bi";
  EXPECT_EQ(Names(*jobs.List(enabled)), (std::vector<std::string>{"charlie"}));
  JobFilter page;
  page.limit = 2;
  EXPECT_EQ(Names(*jobs.List(page)), (std::vector<std::string>{"alpha", "bravo"}));
  page.after_name = "bravo";
  EXPECT_EQ(Names(*jobs.List(page)), (std::vector<std::string>{"charlie", "delta"}));
  page.after_name = "delta";
  EXPECT_TRUE(jobs.List(page)->empty());
}

// --- schedules ---------------------------------------------------------------------------------

TEST_P(EngineConformanceTest, SchedulesAreCreatedUpdatedAndDeleted) {
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j1", "export")).ok());
  auto& schedules = store_->Schedules();
  EXPECT_EQ(schedules.Create(MakeSchedule("s0", "nope", kT0)).error().code, ErrorCode::kNotFound);
  ScheduleRecord first = MakeSchedule("s1", "j1", kT0 + hours(1));
  ASSERT_TRUE(schedules.Create(first).ok());
  ScheduleRecord second = MakeSchedule("s2", "j1", std::nullopt);
  second.created_at = kT0 + minutes(1);
  second.enabled = false;
  ASSERT_TRUE(schedules.Create(second).ok());
  EXPECT_EQ(schedules.Create(first).error().code, ErrorCode::kConflict);

  auto found = schedules.FindById("s1");
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->job_id, "j1");
  EXPECT_EQ((*found)->spec, first.spec);
  EXPECT_EQ((*found)->misfire, first.misfire);
  EXPECT_TRUE((*found)->enabled);
  EXPECT_EQ((*found)->next_fire_at, std::optional<TimePoint>(kT0 + hours(1)));
  EXPECT_FALSE((*found)->last_scheduled_for.has_value());
  EXPECT_EQ((*found)->created_at, kT0);
  auto listed = schedules.ListForJob("j1");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(ScheduleIds(*listed), (std::vector<std::string>{"s1", "s2"}));
  EXPECT_FALSE((*listed)[1].enabled);
  EXPECT_FALSE((*listed)[1].next_fire_at.has_value());

  first.spec = {{"cron", "30 12 * * *"}};
  first.misfire = {{"policy", "skip"}};
  first.enabled = false;
  first.next_fire_at = std::nullopt;
  first.updated_at = kT0 + hours(2);
  first.created_at = kT0 + hours(9);  // not replaced
  ASSERT_TRUE(schedules.Update(first).ok());
  auto changed = schedules.FindById("s1");
  ASSERT_TRUE(changed.ok() && changed->has_value());
  EXPECT_EQ((*changed)->spec, first.spec);
  EXPECT_EQ((*changed)->misfire, first.misfire);
  EXPECT_FALSE((*changed)->enabled);
  EXPECT_FALSE((*changed)->next_fire_at.has_value());
  EXPECT_EQ((*changed)->updated_at, kT0 + hours(2));
  EXPECT_EQ((*changed)->created_at, kT0);
  EXPECT_EQ(schedules.Update(MakeSchedule("nope", "j1", kT0)).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(schedules.Delete("s1").ok());
  EXPECT_FALSE(schedules.FindById("s1")->has_value());
  EXPECT_EQ(schedules.Delete("s1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ScheduleIds(*schedules.ListForJob("j1")), (std::vector<std::string>{"s2"}));
}

TEST_P(EngineConformanceTest, ListsDueSchedulesOfEnabledJobsEarliestFirst) {
  auto& schedules = store_->Schedules();
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j1", "one")).ok());
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j2", "two")).ok());
  EXPECT_FALSE(schedules.EarliestNextFire()->has_value());
  ASSERT_TRUE(schedules.Create(MakeSchedule("s-late", "j1", kT0 + minutes(30))).ok());
  ASSERT_TRUE(schedules.Create(MakeSchedule("s-early", "j1", kT0 + minutes(10))).ok());
  ASSERT_TRUE(schedules.Create(MakeSchedule("s-future", "j1", kT0 + hours(5))).ok());
  ASSERT_TRUE(schedules.Create(MakeSchedule("s-never", "j1", std::nullopt)).ok());
  ScheduleRecord disabled = MakeSchedule("s-disabled", "j1", kT0);
  disabled.enabled = false;
  ASSERT_TRUE(schedules.Create(disabled).ok());
  ASSERT_TRUE(schedules.Create(MakeSchedule("s-job-off", "j2", kT0 + minutes(1))).ok());
  ASSERT_TRUE(store_->Jobs().SetEnabled("j2", false, kT0).ok());

  auto due = schedules.ListDue(kT0 + hours(1), 10);
  ASSERT_TRUE(due.ok()) << due.error().message;
  EXPECT_EQ(ScheduleIds(*due), (std::vector<std::string>{"s-early", "s-late"}));
  EXPECT_EQ(ScheduleIds(*schedules.ListDue(kT0 + hours(1), 1)),
            (std::vector<std::string>{"s-early"}));
  // Due at exactly next_fire_at.
  EXPECT_EQ(ScheduleIds(*schedules.ListDue(kT0 + minutes(10), 10)),
            (std::vector<std::string>{"s-early"}));
  EXPECT_TRUE(schedules.ListDue(kT0 + minutes(9), 10)->empty());
  EXPECT_EQ(*schedules.EarliestNextFire(), std::optional<TimePoint>(kT0 + minutes(10)));

  ASSERT_TRUE(store_->Jobs().SetEnabled("j2", true, kT0).ok());
  EXPECT_EQ(ScheduleIds(*schedules.ListDue(kT0 + hours(1), 10)),
            (std::vector<std::string>{"s-job-off", "s-early", "s-late"}));
  EXPECT_EQ(*schedules.EarliestNextFire(), std::optional<TimePoint>(kT0 + minutes(1)));
}

TEST_P(EngineConformanceTest, AdvanceRecordsFiresQueuesRunsAndMovesOn) {
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j1", "export")).ok());
  auto& schedules = store_->Schedules();
  ASSERT_TRUE(schedules.Create(MakeSchedule("s1", "j1", kT0)).ok());
  RunRecord run = MakeRun(RunId(1), "j1", kT0 + seconds(1));
  run.trigger = "schedule";
  run.schedule_id = "s1";
  run.scheduled_for = kT0;
  ScheduleAdvance advance;
  advance.schedule_id = "s1";
  advance.expected_next_fire_at = kT0;
  advance.fires.push_back({kT0, run, ""});
  advance.fires.push_back({kT0 + hours(1), std::nullopt, "misfire"});
  advance.next_fire_at = kT0 + hours(2);
  advance.now = kT0 + seconds(1);
  auto applied = schedules.Advance(advance);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_TRUE(*applied);

  auto schedule = schedules.FindById("s1");
  ASSERT_TRUE(schedule.ok() && schedule->has_value());
  EXPECT_EQ((*schedule)->next_fire_at, std::optional<TimePoint>(kT0 + hours(2)));
  EXPECT_EQ((*schedule)->last_scheduled_for, std::optional<TimePoint>(kT0 + hours(1)));
  EXPECT_EQ((*schedule)->updated_at, kT0 + seconds(1));
  auto fires = schedules.ListFires("s1", 10);
  ASSERT_TRUE(fires.ok()) << fires.error().message;
  ASSERT_EQ(fires->size(), 2u);
  EXPECT_EQ((*fires)[0].scheduled_for, kT0 + hours(1));  // newest first
  EXPECT_FALSE((*fires)[0].run_id.has_value());
  EXPECT_EQ((*fires)[0].skipped_reason, "misfire");
  EXPECT_EQ((*fires)[1].schedule_id, "s1");
  EXPECT_EQ((*fires)[1].scheduled_for, kT0);
  EXPECT_EQ((*fires)[1].fired_at, kT0 + seconds(1));
  EXPECT_EQ((*fires)[1].run_id, std::optional<std::string>(RunId(1)));
  EXPECT_EQ((*fires)[1].skipped_reason, "");
  EXPECT_EQ(schedules.ListFires("s1", 1)->size(), 1u);
  auto queued = store_->Runs().FindById(RunId(1));
  ASSERT_TRUE(queued.ok() && queued->has_value());
  EXPECT_EQ((*queued)->status, RunStatus::kQueued);
  EXPECT_EQ((*queued)->schedule_id, std::optional<std::string>("s1"));
  EXPECT_EQ((*queued)->scheduled_for, std::optional<TimePoint>(kT0));
}

TEST_P(EngineConformanceTest, AdvanceManyAppliesEachAdvanceInOneTransaction) {
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j1", "export")).ok());
  auto& schedules = store_->Schedules();
  ASSERT_TRUE(schedules.Create(MakeSchedule("s1", "j1", kT0)).ok());
  ASSERT_TRUE(schedules.Create(MakeSchedule("s2", "j1", kT0)).ok());
  std::vector<ScheduleAdvance> advances(3);
  for (int i = 0; i < 3; ++i) {
    advances[i].schedule_id = i == 0 ? "s1" : "s2";
    advances[i].expected_next_fire_at = kT0;
    advances[i].fires.push_back({kT0, MakeRun(RunId(i + 1), "j1", kT0), ""});
    advances[i].next_fire_at = kT0 + hours(1);
    advances[i].now = kT0;
  }
  // The third repeats the second: by then s2 has moved on, so it does not apply.
  auto applied = schedules.AdvanceMany(advances);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(*applied, (std::vector<bool>{true, true, false}));
  EXPECT_TRUE(store_->Runs().FindById(RunId(1))->has_value());
  EXPECT_TRUE(store_->Runs().FindById(RunId(2))->has_value());
  EXPECT_FALSE(store_->Runs().FindById(RunId(3))->has_value());
  EXPECT_EQ((*schedules.FindById("s2"))->next_fire_at, std::optional<TimePoint>(kT0 + hours(1)));
  EXPECT_TRUE(schedules.AdvanceMany({})->empty());
}

TEST_P(EngineConformanceTest, AdvanceIsCompareAndSetOnNextFireAt) {
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j1", "export")).ok());
  auto& schedules = store_->Schedules();
  ASSERT_TRUE(schedules.Create(MakeSchedule("s1", "j1", kT0)).ok());
  ScheduleAdvance advance;
  advance.schedule_id = "s1";
  advance.expected_next_fire_at = kT0 - hours(1);  // what a slower scheduler saw
  advance.fires.push_back({kT0, MakeRun(RunId(1), "j1", kT0), ""});
  advance.next_fire_at = kT0 + hours(1);
  advance.now = kT0;
  EXPECT_FALSE(*schedules.Advance(advance));
  advance.expected_next_fire_at = std::nullopt;
  EXPECT_FALSE(*schedules.Advance(advance));
  EXPECT_TRUE(schedules.ListFires("s1", 10)->empty());
  EXPECT_FALSE(store_->Runs().FindById(RunId(1))->has_value());
  EXPECT_EQ((*schedules.FindById("s1"))->next_fire_at, std::optional<TimePoint>(kT0));

  advance.expected_next_fire_at = kT0;
  EXPECT_TRUE(*schedules.Advance(advance));
  // The second of two schedulers that both saw kT0 due.
  advance.fires[0].run = MakeRun(RunId(2), "j1", kT0);
  EXPECT_FALSE(*schedules.Advance(advance));
  EXPECT_FALSE(store_->Runs().FindById(RunId(2))->has_value());

  // NULL compares equal to NULL: a schedule that never fires again can still be moved.
  ASSERT_TRUE(schedules.Create(MakeSchedule("s2", "j1", std::nullopt)).ok());
  ScheduleAdvance revive;
  revive.schedule_id = "s2";
  revive.next_fire_at = kT0 + hours(3);
  revive.now = kT0;
  EXPECT_TRUE(*schedules.Advance(revive));
  EXPECT_EQ((*schedules.FindById("s2"))->next_fire_at, std::optional<TimePoint>(kT0 + hours(3)));
  EXPECT_FALSE((*schedules.FindById("s2"))->last_scheduled_for.has_value());

  revive.schedule_id = "deleted";
  EXPECT_FALSE(*schedules.Advance(revive));
}

TEST_P(EngineConformanceTest, AScheduledTimeFiresOnce) {
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j1", "export")).ok());
  auto& schedules = store_->Schedules();
  ASSERT_TRUE(schedules.Create(MakeSchedule("s1", "j1", kT0)).ok());
  ScheduleAdvance advance;
  advance.schedule_id = "s1";
  advance.expected_next_fire_at = kT0;
  advance.fires.push_back({kT0, MakeRun(RunId(1), "j1", kT0), ""});
  advance.next_fire_at = kT0 + hours(1);
  advance.now = kT0;
  ASSERT_TRUE(*schedules.Advance(advance));
  // The same scheduled time again (a scheduler that recomputed it), with a new run id.
  advance.expected_next_fire_at = kT0 + hours(1);
  advance.fires[0].run = MakeRun(RunId(2), "j1", kT0);
  advance.next_fire_at = kT0 + hours(2);
  advance.now = kT0 + minutes(1);
  auto again = schedules.Advance(advance);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(*again);
  auto fires = schedules.ListFires("s1", 10);
  ASSERT_EQ(fires->size(), 1u);
  EXPECT_EQ((*fires)[0].run_id, std::optional<std::string>(RunId(1)));
  EXPECT_EQ((*fires)[0].fired_at, kT0);
  EXPECT_FALSE(store_->Runs().FindById(RunId(2))->has_value());
  RunFilter all;
  EXPECT_EQ(Ids(*store_->Runs().List(all)), (std::vector<std::string>{RunId(1)}));
  EXPECT_EQ((*schedules.FindById("s1"))->next_fire_at, std::optional<TimePoint>(kT0 + hours(2)));
}

TEST_P(EngineConformanceTest, AdvanceSkipsFiresThatWouldOverlap) {
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j1", "export")).ok());
  auto& schedules = store_->Schedules();
  ASSERT_TRUE(schedules.Create(MakeSchedule("s1", "j1", kT0)).ok());
  // Two times in one advance with nothing active: the first runs, the second would overlap it.
  ScheduleAdvance advance;
  advance.schedule_id = "s1";
  advance.expected_next_fire_at = kT0;
  advance.fires.push_back({kT0, MakeRun(RunId(1), "j1", kT0), ""});
  advance.fires.push_back({kT0 + hours(1), MakeRun(RunId(2), "j1", kT0), ""});
  advance.next_fire_at = kT0 + hours(2);
  advance.now = kT0 + hours(1);
  advance.skip_if_job_active = true;
  ASSERT_TRUE(*schedules.Advance(advance));
  auto fires = schedules.ListFires("s1", 10);
  ASSERT_EQ(fires->size(), 2u);
  EXPECT_EQ((*fires)[0].skipped_reason, "overlap");
  EXPECT_FALSE((*fires)[0].run_id.has_value());
  EXPECT_EQ((*fires)[1].run_id, std::optional<std::string>(RunId(1)));
  EXPECT_FALSE(store_->Runs().FindById(RunId(2))->has_value());

  // Still queued (or running once claimed): the next time is skipped too.
  ASSERT_EQ(store_->Runs().Claim(Request("w1", kT0 + hours(2)))->size(), 1u);
  advance.expected_next_fire_at = kT0 + hours(2);
  advance.fires = {{kT0 + hours(2), MakeRun(RunId(3), "j1", kT0 + hours(2)), ""}};
  advance.next_fire_at = kT0 + hours(3);
  ASSERT_TRUE(*schedules.Advance(advance));
  EXPECT_EQ((*schedules.ListFires("s1", 1))[0].skipped_reason, "overlap");
  EXPECT_FALSE(store_->Runs().FindById(RunId(3))->has_value());

  // Without the policy the run is queued next to the running one.
  advance.expected_next_fire_at = kT0 + hours(3);
  advance.fires = {{kT0 + hours(3), MakeRun(RunId(4), "j1", kT0 + hours(3)), ""}};
  advance.next_fire_at = kT0 + hours(4);
  advance.skip_if_job_active = false;
  ASSERT_TRUE(*schedules.Advance(advance));
  EXPECT_TRUE(store_->Runs().FindById(RunId(4))->has_value());
  EXPECT_EQ(*store_->Runs().CountActive("j1"), 2);
}

// --- runs --------------------------------------------------------------------------------------

TEST_P(EngineConformanceTest, EnqueuedRunsRoundTrip) {
  auto& runs = store_->Runs();
  RunRecord run = MakeRun(RunId(1), "j1", kT0);
  run.job_version = 3;
  run.trigger = "retry";
  run.actor_kind = "api_key";
  run.actor_id = "k1";
  run.parameters = {{"date", "2026-05-06"}, {"hospital", {1, 2}}};
  run.attempt = 2;
  run.max_attempts = 4;
  run.retry_of = RunId(0);
  run.root_run_id = RunId(0);
  run.rerun_of = "r-old";
  run.schedule_id = "s1";
  run.scheduled_for = kT0 - minutes(1);
  run.timeout = milliseconds(90500);
  run.max_concurrent = 2;
  run.available_at = kT0 + seconds(30);
  ASSERT_TRUE(runs.Enqueue(run).ok());
  auto found = runs.FindById(RunId(1));
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  const RunRecord& got = **found;
  EXPECT_EQ(got.id, run.id);
  EXPECT_EQ(got.job_id, "j1");
  EXPECT_EQ(got.job_name, run.job_name);
  EXPECT_EQ(got.job_version, 3);
  EXPECT_EQ(got.status, RunStatus::kQueued);
  EXPECT_EQ(got.trigger, "retry");
  EXPECT_EQ(got.actor_kind, "api_key");
  EXPECT_EQ(got.actor_name, "maria");
  EXPECT_EQ(got.actor_id, run.actor_id);
  EXPECT_EQ(got.parameters, run.parameters);
  EXPECT_EQ(got.attempt, 2);
  EXPECT_EQ(got.max_attempts, 4);
  EXPECT_EQ(got.retry_of, run.retry_of);
  EXPECT_EQ(got.root_run_id, RunId(0));
  EXPECT_EQ(got.rerun_of, run.rerun_of);
  EXPECT_EQ(got.schedule_id, run.schedule_id);
  EXPECT_EQ(got.scheduled_for, run.scheduled_for);
  EXPECT_EQ(got.timeout, milliseconds(90500));
  EXPECT_EQ(got.max_concurrent, 2);
  EXPECT_EQ(got.queued_at, kT0);
  EXPECT_EQ(got.available_at, kT0 + seconds(30));
  EXPECT_FALSE(got.started_at.has_value());
  EXPECT_FALSE(got.finished_at.has_value());
  EXPECT_FALSE(got.lease_owner.has_value());
  EXPECT_EQ(got.lease_token, 0);
  EXPECT_FALSE(got.lease_expires_at.has_value());
  EXPECT_FALSE(got.cancel_requested);
  EXPECT_EQ(got.result, nlohmann::json::object());
  EXPECT_EQ(got.error, "");
  EXPECT_EQ(got.progress, nlohmann::json::object());
  EXPECT_EQ(got.log_lines, 0);
  EXPECT_FALSE(runs.FindById("nope")->has_value());
  EXPECT_EQ(runs.Enqueue(run).error().code, ErrorCode::kConflict);
}

TEST_P(EngineConformanceTest, ClaimsTheOldestAvailableRunsFirst) {
  auto& runs = store_->Runs();
  RunRecord later = MakeRun(RunId(1), "j1", kT0);
  later.available_at = kT0 + minutes(10);  // a retry backing off
  ASSERT_TRUE(runs.Enqueue(later).ok());
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(2), "j1", kT0 + seconds(2))).ok());
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(3), "j2", kT0 + seconds(1))).ok());
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(4), "j2", kT0 + seconds(3))).ok());

  ClaimRequest request = Request("worker-a", kT0 + minutes(1), 2);
  request.lease = seconds(45);
  auto claimed = runs.Claim(request);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_EQ(Ids(*claimed), (std::vector<std::string>{RunId(3), RunId(2)}));
  for (const RunRecord& run : *claimed) {
    EXPECT_EQ(run.status, RunStatus::kRunning);
    EXPECT_EQ(run.started_at, std::optional<TimePoint>(kT0 + minutes(1)));
    EXPECT_EQ(run.lease_owner, std::optional<std::string>("worker-a"));
    EXPECT_EQ(run.lease_token, 1);
    EXPECT_EQ(run.lease_expires_at, std::optional<TimePoint>(kT0 + minutes(1) + seconds(45)));
  }
  EXPECT_EQ((*runs.FindById(RunId(3)))->status, RunStatus::kRunning);
  EXPECT_EQ(Ids(*runs.Claim(Request("worker-b", kT0 + minutes(1), 5))),
            (std::vector<std::string>{RunId(4)}));
  // Not before available_at; then at exactly available_at.
  EXPECT_TRUE(runs.Claim(Request("worker-b", kT0 + minutes(9), 5))->empty());
  EXPECT_EQ(Ids(*runs.Claim(Request("worker-b", kT0 + minutes(10), 5))),
            (std::vector<std::string>{RunId(1)}));
  EXPECT_TRUE(runs.Claim(Request("worker-b", kT0 + hours(1), 5))->empty());
  EXPECT_TRUE(runs.Claim(Request("worker-b", kT0 + hours(1), 0))->empty());
}

TEST_P(EngineConformanceTest, ClaimRespectsMaxConcurrentPerJob) {
  auto& runs = store_->Runs();
  for (int i = 1; i <= 3; ++i) {
    RunRecord run = MakeRun(RunId(i), "limited", kT0 + seconds(i));
    run.max_concurrent = 1;
    ASSERT_TRUE(runs.Enqueue(run).ok());
  }
  RunRecord two = MakeRun(RunId(4), "pair", kT0 + seconds(4));
  two.max_concurrent = 2;
  ASSERT_TRUE(runs.Enqueue(two).ok());
  two.id = two.root_run_id = RunId(5);
  ASSERT_TRUE(runs.Enqueue(two).ok());
  two.id = two.root_run_id = RunId(6);
  ASSERT_TRUE(runs.Enqueue(two).ok());
  for (int i = 7; i <= 8; ++i) ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(i), "free", kT0)).ok());

  const TimePoint now = kT0 + minutes(1);
  auto first = runs.Claim(Request("w", now, 10));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(Ids(*first),
            (std::vector<std::string>{RunId(7), RunId(8), RunId(1), RunId(4), RunId(5)}));
  EXPECT_TRUE(runs.Claim(Request("w", now, 10))->empty());
  // Finishing one of each limited job lets the next of each in.
  ASSERT_TRUE(runs.Finish(RunId(1), 1, Completion(RunStatus::kSucceeded, now)).ok());
  ASSERT_TRUE(runs.Finish(RunId(4), 1, Completion(RunStatus::kFailed, now)).ok());
  EXPECT_EQ(Ids(*runs.Claim(Request("w", now, 10))),
            (std::vector<std::string>{RunId(2), RunId(6)}));
}

TEST_P(EngineConformanceTest, ConcurrentClaimersClaimEachRunExactlyOnce) {
  auto& runs = store_->Runs();
  constexpr int kRuns = 500;
  constexpr int kThreads = 4;
  for (int i = 1; i <= kRuns; ++i) {
    ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(i), fmt::format("j{}", i % 7), kT0)).ok());
  }
  std::latch start(kThreads);
  std::vector<std::vector<RunRecord>> claimed(kThreads);
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      while (true) {
        auto batch = runs.Claim(Request(fmt::format("w{}", t), kT0 + seconds(1), 1 + t % 3));
        if (!batch.ok()) {
          failures[t] = batch.error().message;
          return;
        }
        if (batch->empty()) return;
        for (RunRecord& run : *batch) claimed[t].push_back(std::move(run));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::map<std::string, int> times;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], "") << "thread " << t;
    for (const RunRecord& run : claimed[t]) {
      ++times[run.id];
      EXPECT_EQ(run.lease_owner, std::optional<std::string>(fmt::format("w{}", t)));
      EXPECT_EQ(run.lease_token, 1);
    }
  }
  EXPECT_EQ(times.size(), static_cast<std::size_t>(kRuns));
  for (const auto& [id, count] : times) EXPECT_EQ(count, 1) << id;
}

TEST_P(EngineConformanceTest, OnlyTheLeaseHolderHeartbeatsAndFinishes) {
  auto& runs = store_->Runs();
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(1), "j1", kT0)).ok());
  // Not claimed yet: nobody holds it.
  EXPECT_EQ(runs.Heartbeat(RunId(1), 0, kT0, seconds(30)).error().code, ErrorCode::kConflict);
  auto claimed = runs.Claim(Request("w1", kT0));
  ASSERT_EQ(claimed->size(), 1u);
  const std::int64_t token = (*claimed)[0].lease_token;

  auto beat = runs.Heartbeat(RunId(1), token, kT0 + seconds(10), seconds(30));
  ASSERT_TRUE(beat.ok()) << beat.error().message;
  EXPECT_FALSE(beat->cancel_requested);
  EXPECT_EQ((*runs.FindById(RunId(1)))->lease_expires_at,
            std::optional<TimePoint>(kT0 + seconds(40)));
  EXPECT_EQ(runs.Heartbeat(RunId(1), token + 1, kT0, seconds(30)).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(runs.Heartbeat("nope", token, kT0, seconds(30)).error().code, ErrorCode::kConflict);

  ASSERT_TRUE(runs.UpdateProgress(RunId(1), token, {{"rows", 1200}}).ok());
  EXPECT_EQ(runs.UpdateProgress(RunId(1), token + 1, {{"rows", 1}}).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ((*runs.FindById(RunId(1)))->progress, (nlohmann::json{{"rows", 1200}}));

  RunCompletion done = Completion(RunStatus::kFailed, kT0 + seconds(20));
  done.result = {{"rows", 1500}};
  done.error = "the database went away";
  EXPECT_EQ(runs.Finish(RunId(1), token + 1, done).error().code, ErrorCode::kConflict);
  EXPECT_EQ(runs.Finish(RunId(1), token, Completion(RunStatus::kRunning, kT0)).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ((*runs.FindById(RunId(1)))->status, RunStatus::kRunning);
  ASSERT_TRUE(runs.Finish(RunId(1), token, done).ok());
  auto finished = runs.FindById(RunId(1));
  ASSERT_TRUE(finished.ok() && finished->has_value());
  EXPECT_EQ((*finished)->status, RunStatus::kFailed);
  EXPECT_EQ((*finished)->result, done.result);
  EXPECT_EQ((*finished)->error, "the database went away");
  EXPECT_EQ((*finished)->finished_at, std::optional<TimePoint>(kT0 + seconds(20)));
  EXPECT_EQ((*finished)->progress, (nlohmann::json{{"rows", 1200}}));
  EXPECT_EQ((*finished)->lease_owner, std::optional<std::string>("w1"));
  // Finished: the holder's token no longer works for anything.
  EXPECT_EQ(runs.Finish(RunId(1), token, done).error().code, ErrorCode::kConflict);
  EXPECT_EQ(runs.Heartbeat(RunId(1), token, kT0, seconds(30)).error().code, ErrorCode::kConflict);
  EXPECT_EQ(runs.UpdateProgress(RunId(1), token, {}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(runs.Finish("nope", token, done).error().code, ErrorCode::kConflict);
}

TEST_P(EngineConformanceTest, FinishingWithARetryQueuesTheNextAttempt) {
  auto& runs = store_->Runs();
  RunRecord first = MakeRun(RunId(1), "j1", kT0);
  first.max_attempts = 3;
  ASSERT_TRUE(runs.Enqueue(first).ok());
  const std::int64_t token = (*runs.Claim(Request("w1", kT0)))[0].lease_token;

  RunRecord retry = MakeRun(RunId(2), "j1", kT0 + seconds(5));
  retry.trigger = "retry";
  retry.attempt = 2;
  retry.max_attempts = 3;
  retry.retry_of = RunId(1);
  retry.root_run_id = RunId(1);
  retry.available_at = kT0 + minutes(1);
  RunCompletion failed = Completion(RunStatus::kFailed, kT0 + seconds(5));
  failed.error = "HTTP 503";
  failed.retry = retry;
  // A stale holder's finish queues nothing.
  EXPECT_EQ(runs.Finish(RunId(1), token + 1, failed).error().code, ErrorCode::kConflict);
  EXPECT_FALSE(runs.FindById(RunId(2))->has_value());

  ASSERT_TRUE(runs.Finish(RunId(1), token, failed).ok());
  auto queued = runs.FindById(RunId(2));
  ASSERT_TRUE(queued.ok() && queued->has_value());
  EXPECT_EQ((*queued)->status, RunStatus::kQueued);
  EXPECT_EQ((*queued)->trigger, "retry");
  EXPECT_EQ((*queued)->available_at, kT0 + minutes(1));
  EXPECT_TRUE(runs.Claim(Request("w1", kT0 + seconds(59)))->empty());
  auto second = runs.Claim(Request("w1", kT0 + minutes(1)));
  ASSERT_EQ(Ids(*second), (std::vector<std::string>{RunId(2)}));

  // A retry whose id is taken fails the finish as a whole.
  RunCompletion clash = Completion(RunStatus::kFailed, kT0 + minutes(2));
  clash.retry = retry;
  clash.retry->id = RunId(1);
  EXPECT_FALSE(runs.Finish(RunId(2), (*second)[0].lease_token, clash).ok());
  EXPECT_EQ((*runs.FindById(RunId(2)))->status, RunStatus::kRunning);

  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(3), "j1", kT0)).ok());  // another root
  auto attempts = runs.ListAttempts(RunId(1));
  ASSERT_TRUE(attempts.ok()) << attempts.error().message;
  EXPECT_EQ(Ids(*attempts), (std::vector<std::string>{RunId(1), RunId(2)}));
  EXPECT_EQ((*attempts)[1].attempt, 2);
  EXPECT_TRUE(runs.ListAttempts("nope")->empty());
}

TEST_P(EngineConformanceTest, CancelsQueuedRunsAtOnceAndFlagsRunningOnes) {
  auto& runs = store_->Runs();
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(1), "j1", kT0)).ok());
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(2), "j1", kT0 + seconds(1))).ok());
  auto claimed = runs.Claim(Request("w1", kT0 + seconds(2)));
  ASSERT_EQ(Ids(*claimed), (std::vector<std::string>{RunId(1)}));
  const std::int64_t token = (*claimed)[0].lease_token;

  auto queued = runs.RequestCancel(RunId(2), kT0 + seconds(3));
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  EXPECT_EQ(queued->id, RunId(2));
  EXPECT_EQ(queued->status, RunStatus::kCancelled);
  EXPECT_EQ(queued->finished_at, std::optional<TimePoint>(kT0 + seconds(3)));
  EXPECT_TRUE(runs.Claim(Request("w1", kT0 + hours(1)))->empty());

  auto running = runs.RequestCancel(RunId(1), kT0 + seconds(4));
  ASSERT_TRUE(running.ok()) << running.error().message;
  EXPECT_EQ(running->status, RunStatus::kRunning);
  EXPECT_TRUE(running->cancel_requested);
  EXPECT_FALSE(running->finished_at.has_value());
  auto beat = runs.Heartbeat(RunId(1), token, kT0 + seconds(5), seconds(30));
  ASSERT_TRUE(beat.ok());
  EXPECT_TRUE(beat->cancel_requested);
  ASSERT_TRUE(runs.Finish(RunId(1), token, Completion(RunStatus::kCancelled, kT0)).ok());

  EXPECT_EQ(runs.RequestCancel(RunId(1), kT0).error().code, ErrorCode::kConflict);
  EXPECT_EQ(runs.RequestCancel(RunId(2), kT0).error().code, ErrorCode::kConflict);
  EXPECT_EQ(runs.RequestCancel("nope", kT0).error().code, ErrorCode::kNotFound);
}

TEST_P(EngineConformanceTest, ExpiredLeasesAreListedAndRecovered) {
  auto& runs = store_->Runs();
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(1), "j1", kT0)).ok());
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(2), "j1", kT0)).ok());
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(3), "j1", kT0)).ok());
  ClaimRequest request = Request("w1", kT0, 1);
  request.lease = seconds(30);
  ASSERT_EQ(runs.Claim(request)->size(), 1u);  // r1 until kT0+30s
  request.now = kT0 + seconds(10);
  ASSERT_EQ(runs.Claim(request)->size(), 1u);  // r2 until kT0+40s
  request.now = kT0 + seconds(20);
  auto third = runs.Claim(request);  // r3, finished in time
  ASSERT_EQ(third->size(), 1u);
  ASSERT_TRUE(
      runs.Finish(RunId(3), (*third)[0].lease_token, Completion(RunStatus::kSucceeded, kT0)).ok());

  EXPECT_TRUE(runs.ListExpiredLeases(kT0 + seconds(30), 10)->empty());
  auto expired = runs.ListExpiredLeases(kT0 + seconds(45), 10);
  ASSERT_TRUE(expired.ok()) << expired.error().message;
  EXPECT_EQ(Ids(*expired), (std::vector<std::string>{RunId(1), RunId(2)}));  // oldest first
  EXPECT_EQ(Ids(*runs.ListExpiredLeases(kT0 + seconds(45), 1)),
            (std::vector<std::string>{RunId(1)}));

  // The recoverer ends it with the token it saw; the original owner, back late, cannot.
  const RunRecord& lost = (*expired)[0];
  RunCompletion timed_out = Completion(RunStatus::kTimedOut, kT0 + seconds(45));
  timed_out.error = "lease expired";
  ASSERT_TRUE(runs.Finish(lost.id, lost.lease_token, timed_out).ok());
  EXPECT_EQ(
      runs.Finish(lost.id, lost.lease_token, Completion(RunStatus::kSucceeded, kT0)).error().code,
      ErrorCode::kConflict);
  EXPECT_EQ((*runs.FindById(lost.id))->status, RunStatus::kTimedOut);
  EXPECT_EQ(Ids(*runs.ListExpiredLeases(kT0 + seconds(45), 10)),
            (std::vector<std::string>{RunId(2)}));
  // A heartbeat in time keeps a run off the list.
  ASSERT_TRUE(
      runs.Heartbeat(RunId(2), (*expired)[1].lease_token, kT0 + seconds(45), seconds(30)).ok());
  EXPECT_TRUE(runs.ListExpiredLeases(kT0 + seconds(50), 10)->empty());
}

TEST_P(EngineConformanceTest, ListsRunsNewestFirstWithFiltersAndPaging) {
  auto& runs = store_->Runs();
  for (int i = 1; i <= 6; ++i) {
    RunRecord run = MakeRun(RunId(i), i % 2 == 0 ? "even" : "odd", kT0 + minutes(i));
    if (i == 3) run.trigger = "schedule";
    ASSERT_TRUE(runs.Enqueue(run).ok());
  }
  // r1 becomes running.
  ASSERT_EQ(Ids(*runs.Claim(Request("w", kT0 + minutes(1)))), (std::vector<std::string>{RunId(1)}));

  RunFilter all;
  EXPECT_EQ(Ids(*runs.List(all)),
            (std::vector<std::string>{RunId(6), RunId(5), RunId(4), RunId(3), RunId(2), RunId(1)}));
  RunFilter job;
  job.job_id = "even";
  EXPECT_EQ(Ids(*runs.List(job)), (std::vector<std::string>{RunId(6), RunId(4), RunId(2)}));
  RunFilter status;
  status.status = RunStatus::kRunning;
  EXPECT_EQ(Ids(*runs.List(status)), (std::vector<std::string>{RunId(1)}));
  status.job_id = "even";
  EXPECT_TRUE(runs.List(status)->empty());
  RunFilter trigger;
  trigger.trigger = "schedule";
  EXPECT_EQ(Ids(*runs.List(trigger)), (std::vector<std::string>{RunId(3)}));
  RunFilter window;
  window.queued_from = kT0 + minutes(2);
  window.queued_to = kT0 + minutes(5);
  EXPECT_EQ(Ids(*runs.List(window)), (std::vector<std::string>{RunId(4), RunId(3), RunId(2)}));

  RunFilter page;
  page.limit = 4;
  auto first = runs.List(page);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{RunId(6), RunId(5), RunId(4), RunId(3)}));
  page.before_id = first->back().id;
  EXPECT_EQ(Ids(*runs.List(page)), (std::vector<std::string>{RunId(2), RunId(1)}));
  page.before_id = RunId(1);
  EXPECT_TRUE(runs.List(page)->empty());
  page.before_id = RunId(5);
  page.job_id = "odd";
  EXPECT_EQ(Ids(*runs.List(page)), (std::vector<std::string>{RunId(3), RunId(1)}));
}

TEST_P(EngineConformanceTest, CountsAJobsQueuedAndRunningRuns) {
  auto& runs = store_->Runs();
  EXPECT_EQ(*runs.CountActive("j1"), 0);
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(i), "j1", kT0)).ok());
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(5), "j2", kT0)).ok());
  auto claimed = runs.Claim(Request("w", kT0, 2));  // r1, r2 running
  ASSERT_EQ(claimed->size(), 2u);
  ASSERT_TRUE(runs.Finish(RunId(1), 1, Completion(RunStatus::kSucceeded, kT0)).ok());
  ASSERT_TRUE(runs.RequestCancel(RunId(3), kT0).ok());
  EXPECT_EQ(*runs.CountActive("j1"), 2);  // r2 running, r4 queued
  EXPECT_EQ(*runs.CountActive("j2"), 1);
  EXPECT_EQ(*runs.CountActive("nope"), 0);
}

TEST_P(EngineConformanceTest, SummarizesTheRunsQueuedInAWindow) {
  auto& runs = store_->Runs();
  // Queued in the window: r1..r5; r6 just before it, r7 at its (exclusive) end.
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(i), "j1", kT0 + minutes(i))).ok());
  }
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(6), "j1", kT0 - milliseconds(1))).ok());
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(7), "j1", kT0 + hours(1))).ok());
  // Claimed at kT0 + 10 min: r6, r1, r2, r3 (oldest first); r4, r5 and r7 stay queued.
  auto claimed = runs.Claim(Request("w", kT0 + minutes(10), 4));
  ASSERT_EQ(Ids(*claimed), (std::vector<std::string>{RunId(6), RunId(1), RunId(2), RunId(3)}));
  const TimePoint started = kT0 + minutes(10);
  const auto finish = [&](int index, RunStatus status, milliseconds after) {
    const RunRecord& run = (*claimed)[index];
    ASSERT_TRUE(runs.Finish(run.id, run.lease_token, Completion(status, started + after)).ok());
  };
  finish(0, RunStatus::kSucceeded, milliseconds(999'999));  // r6: outside the window
  finish(1, RunStatus::kSucceeded, milliseconds(1'250));
  finish(2, RunStatus::kFailed, milliseconds(40));
  // r3 stays running; r4 is cancelled while queued (it never started: no duration).
  ASSERT_TRUE(runs.RequestCancel(RunId(4), kT0 + minutes(11)).ok());

  auto summary = runs.Summarize(kT0, kT0 + hours(1));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->count(RunStatus::kSucceeded), 1);
  EXPECT_EQ(summary->count(RunStatus::kFailed), 1);
  EXPECT_EQ(summary->count(RunStatus::kRunning), 1);
  EXPECT_EQ(summary->count(RunStatus::kCancelled), 1);
  EXPECT_EQ(summary->count(RunStatus::kQueued), 1);
  EXPECT_EQ(summary->count(RunStatus::kTimedOut), 0);
  // Two timed runs (40 ms, 1250 ms): the lower middle one, and the longest, to the millisecond.
  EXPECT_EQ(summary->median_duration, milliseconds(40));
  EXPECT_EQ(summary->max_duration, milliseconds(1'250));

  auto empty = runs.Summarize(kT0 + hours(2), kT0 + hours(3));
  ASSERT_TRUE(empty.ok());
  for (const std::int64_t count : empty->by_status) EXPECT_EQ(count, 0);
  EXPECT_FALSE(empty->median_duration.has_value());
  EXPECT_FALSE(empty->max_duration.has_value());
}

TEST_P(EngineConformanceTest, TheMedianDurationIsTheMiddleOne) {
  auto& runs = store_->Runs();
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(i), "j1", kT0)).ok());
  auto claimed = runs.Claim(Request("w", kT0, 3));
  ASSERT_EQ(claimed->size(), 3u);
  const std::vector<milliseconds> durations{milliseconds(7), milliseconds(300'000),
                                            milliseconds(12)};
  for (std::size_t i = 0; i < durations.size(); ++i) {
    const RunRecord& run = (*claimed)[i];
    ASSERT_TRUE(
        runs.Finish(run.id, run.lease_token, Completion(RunStatus::kSucceeded, kT0 + durations[i]))
            .ok());
  }
  auto summary = runs.Summarize(kT0, kT0 + seconds(1));
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->median_duration, milliseconds(12));
  EXPECT_EQ(summary->max_duration, milliseconds(300'000));
}

TEST_P(EngineConformanceTest, PruneKeepsTheNewestFinishedRunsOfEachJob) {
  auto& runs = store_->Runs();
  // Job a: five runs finished at kT0+1h .. kT0+5h; job b: two, at kT0+1h and kT0+2h.
  int n = 0;
  const auto finish_one = [&](const std::string& job, TimePoint finished_at) {
    const std::string id = RunId(++n);
    ASSERT_TRUE(runs.Enqueue(MakeRun(id, job, kT0)).ok());
    auto claimed = runs.Claim(Request("w", kT0));
    ASSERT_EQ(Ids(*claimed), (std::vector<std::string>{id}));
    ASSERT_TRUE(runs.Finish(id, 1, Completion(RunStatus::kSucceeded, finished_at)).ok());
    ASSERT_TRUE(store_->RunLogs().Append(id, {{1, kT0, "info", "line of " + id}}).ok());
  };
  for (int h = 1; h <= 5; ++h) finish_one("a", kT0 + hours(h));  // r0001..r0005
  for (int h = 1; h <= 2; ++h) finish_one("b", kT0 + hours(h));  // r0006, r0007
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(8), "a", kT0)).ok());   // queued, old: kept
  ASSERT_TRUE(runs.Enqueue(MakeRun(RunId(9), "a", kT0)).ok());
  ASSERT_EQ(runs.Claim(Request("w", kT0))->size(), 1u);  // r0008 running: kept

  auto pruned = runs.Prune(kT0 + hours(4), 2);
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  // a: r0004 and r0005 are its newest two; r0001..r0003 finished before kT0+4h go.
  // b: both are among its newest two.
  EXPECT_EQ(*pruned, 3);
  RunFilter all;
  EXPECT_EQ(Ids(*runs.List(all)),
            (std::vector<std::string>{RunId(9), RunId(8), RunId(7), RunId(6), RunId(5), RunId(4)}));
  EXPECT_TRUE(store_->RunLogs().ListAfter(RunId(1), 0, 10)->empty());
  EXPECT_EQ(store_->RunLogs().ListAfter(RunId(4), 0, 10)->size(), 1u);
  EXPECT_EQ(*runs.Prune(kT0 + hours(4), 2), 0);
  // Keeping none: everything finished before the time goes, whatever its job.
  EXPECT_EQ(*runs.Prune(kT0 + hours(2), 0), 1);  // r0006
  EXPECT_EQ(*runs.Prune(kT0 + hours(10), 0), 3);
  EXPECT_EQ(Ids(*runs.List(all)), (std::vector<std::string>{RunId(9), RunId(8)}));
}

// --- run logs ----------------------------------------------------------------------------------

TEST_P(EngineConformanceTest, AppendingLogLinesIsIdempotentAndPagesBySeq) {
  auto& logs = store_->RunLogs();
  ASSERT_TRUE(store_->Runs().Enqueue(MakeRun(RunId(1), "j1", kT0)).ok());
  ASSERT_TRUE(store_->Runs().Enqueue(MakeRun(RunId(2), "j1", kT0)).ok());
  const std::vector<LogLine> batch = {{1, kT0, "info", "starting"},
                                      {2, kT0 + milliseconds(5), "debug", "query: SELECT 1"},
                                      {3, kT0 + seconds(1), "warn", "slow ✓ 'quoted'; --"}};
  ASSERT_TRUE(logs.Append(RunId(1), batch).ok());
  ASSERT_TRUE(logs.Append(RunId(1), batch).ok());  // written again after a failure
  ASSERT_TRUE(logs.Append(RunId(1), {}).ok());
  auto lines = logs.ListAfter(RunId(1), 0, 100);
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  ASSERT_EQ(lines->size(), 3u);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ((*lines)[i].seq, batch[i].seq);
    EXPECT_EQ((*lines)[i].at, batch[i].at);
    EXPECT_EQ((*lines)[i].level, batch[i].level);
    EXPECT_EQ((*lines)[i].message, batch[i].message);
  }
  EXPECT_EQ((*store_->Runs().FindById(RunId(1)))->log_lines, 3);

  // An overlapping batch adds only the new lines; a stale one never lowers log_lines.
  ASSERT_TRUE(
      logs.Append(RunId(1), {{3, kT0, "info", "changed?"}, {4, kT0, "error", "four"}}).ok());
  ASSERT_TRUE(logs.Append(RunId(1), {{2, kT0, "info", "again"}}).ok());
  EXPECT_EQ((*store_->Runs().FindById(RunId(1)))->log_lines, 4);
  auto after_two = logs.ListAfter(RunId(1), 2, 100);
  ASSERT_EQ(after_two->size(), 2u);
  EXPECT_EQ((*after_two)[0].message, batch[2].message);
  EXPECT_EQ((*after_two)[1].seq, 4);
  auto page = logs.ListAfter(RunId(1), 1, 2);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].seq, 2);
  EXPECT_EQ((*page)[1].seq, 3);
  EXPECT_TRUE(logs.ListAfter(RunId(1), 4, 100)->empty());
  // Lines belong to their run.
  EXPECT_TRUE(logs.ListAfter(RunId(2), 0, 100)->empty());
  EXPECT_EQ((*store_->Runs().FindById(RunId(2)))->log_lines, 0);
  EXPECT_EQ(logs.Append("nope", batch).error().code, ErrorCode::kNotFound);
}

// --- backup ------------------------------------------------------------------------------------

TEST_P(EngineConformanceTest, BackupIsAStoreWithTheSameData) {
  ASSERT_TRUE(GetParam().open_backup) << "the factory must say how to open a backup";
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j1", "export")).ok());
  ASSERT_TRUE(store_->Runs().Enqueue(MakeRun(RunId(1), "j1", kT0)).ok());
  ASSERT_TRUE(store_->RunLogs().Append(RunId(1), {{1, kT0, "info", "hello"}}).ok());
  ASSERT_TRUE(store_->Meta().Put("kept", "in the backup").ok());
  const std::filesystem::path file = dir_ / "backups" / "copy.db";
  std::filesystem::create_directories(file.parent_path());
  const Status backed_up = store_->Backup(file);
  ASSERT_TRUE(backed_up.ok()) << backed_up.error().message;
  // The store is still in use afterwards, and later writes are not in the copy.
  ASSERT_TRUE(store_->Jobs().Create(MakeJob("j2", "after")).ok());

  auto copy = GetParam().open_backup(file, clock_);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  auto status = (*copy)->MigrationStatus();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_TRUE(status->UpToDate());
  EXPECT_TRUE((*copy)->Jobs().FindByName("export")->has_value());
  EXPECT_FALSE((*copy)->Jobs().FindByName("after")->has_value());
  EXPECT_TRUE((*copy)->Runs().FindById(RunId(1))->has_value());
  EXPECT_EQ((*copy)->RunLogs().ListAfter(RunId(1), 0, 10)->size(), 1u);
  EXPECT_EQ(*(*copy)->Meta().Get("kept"), std::optional<std::string>("in the backup"));
}

TEST_P(EngineConformanceTest, BackupRefusesAnExistingFile) {
  const std::filesystem::path file = dir_ / "exists.db";
  { std::ofstream(file) << "precious"; }
  const Status refused = store_->Backup(file);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  std::ifstream in(file);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

}  // namespace

void EngineConformanceTest::SetUp() {
  StoreConformanceTest::SetUp();
  store_ = OpenMigratedOrFail();
  ASSERT_NE(store_, nullptr);
}

}  // namespace batuta::conformance
