#include "runs/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <stdexcept>

#include "auth/audit_trail.h"
#include "runs/engine_test_support.h"
#include "runs/job_service.h"
#include "runs/run_service.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::runs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FunctionJobType;
using testing::Gate;
using testing::RecordingLogWriter;

constexpr milliseconds kWait{10'000};  // real time; only reached when a test is broken

TimePoint At(int seconds_since_epoch) {
  return TimePoint{} + seconds(1'800'000'000) + seconds(seconds_since_epoch);
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenMigratedStore(dir_.path(), clock_);
    ASSERT_NE(store_, nullptr);
    audit_ = std::make_unique<auth::AuditTrail>(*store_, clock_);
    types_.Add(std::make_unique<FunctionJobType>("test.ok", [](RunContext& context) {
      context.Log("info", "hello");
      return RunOutcome::Success({{"answer", 42}});
    }));
    types_.Add(std::make_unique<FunctionJobType>(
        "test.fail", [](RunContext&) { return RunOutcome::Failure("it broke"); }));
    types_.Add(std::make_unique<FunctionJobType>(
        "test.throw", [](RunContext&) -> RunOutcome { throw std::runtime_error("boom"); }));
    // Waits for its cancel token, as a well-behaved long job does.
    types_.Add(std::make_unique<FunctionJobType>("test.wait", [this](RunContext& context) {
      started_.Open();
      while (!context.cancel().WaitFor(milliseconds(50))) {
      }
      return RunOutcome::Success();
    }));
    // Ignores its token until the test opens `release_`.
    types_.Add(std::make_unique<FunctionJobType>("test.stuck", [this](RunContext&) {
      started_.Open();
      release_.Wait();
      return RunOutcome::Success();
    }));
    jobs_ = std::make_unique<JobService>(*store_, types_, *audit_, clock_);
    engine_ = MakeEngine("worker-a");
    runs_ = std::make_unique<RunService>(*store_, *engine_, *audit_, clock_);
  }

  void TearDown() override {
    release_.Open();
    if (engine_) engine_->Stop(milliseconds(0));
  }

  std::unique_ptr<Engine> MakeEngine(std::string worker) {
    EngineOptions options;
    options.worker_id = std::move(worker);
    options.lease = seconds(30);
    options.heartbeat_interval = seconds(10);
    options.abandon_grace = seconds(5);
    options.jitter_seed = 7;
    auto engine = std::make_unique<Engine>(*store_, logs_, types_, clock_, options);
    engine->SetFinishedListener([this](const RunRecord& run) {
      const std::lock_guard lock(mutex_);
      finished_[run.id] = run;
      finished_changed_.notify_all();
    });
    return engine;
  }

  JobRecord CreateJob(const std::string& name, const std::string& type,
                      nlohmann::json policies = nlohmann::json::object(),
                      nlohmann::json parameters = nlohmann::json::array()) {
    auto job = jobs_->Create(
        {{"name", name}, {"type", type}, {"policies", policies}, {"parameters", parameters}}, true,
        auth::Actor::System("test"));
    EXPECT_TRUE(job.ok()) << job.error().message;
    return job.ok() ? *job : JobRecord{};
  }

  RunRecord Trigger(const JobRecord& job,
                    const nlohmann::json& parameters = nlohmann::json::object()) {
    auto run = runs_->Trigger(job.id, parameters, "api", auth::Actor::System("test"));
    EXPECT_TRUE(run.ok()) << run.error().message;
    return run.ok() ? *run : RunRecord{};
  }

  // Waits (real time) until the engine reported the run finished.
  RunRecord AwaitFinished(const std::string& run_id) {
    std::unique_lock lock(mutex_);
    EXPECT_TRUE(finished_changed_.wait_for(lock, kWait, [&] { return finished_.contains(run_id); }))
        << "run " << run_id << " did not finish";
    return finished_[run_id];
  }

  RunRecord Stored(const std::string& run_id) {
    auto run = store_->Runs().FindById(run_id);
    EXPECT_TRUE(run.ok() && run->has_value());
    return run.ok() && run->has_value() ? **run : RunRecord{};
  }

  batuta::testing::TempDir dir_;
  ManualClock clock_{At(0)};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<auth::AuditTrail> audit_;
  JobTypeRegistry types_;
  RecordingLogWriter logs_;
  std::unique_ptr<JobService> jobs_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<RunService> runs_;
  Gate started_;
  Gate release_;

  std::mutex mutex_;
  std::condition_variable finished_changed_;
  std::map<std::string, RunRecord> finished_;
};

TEST_F(EngineTest, RunsAQueuedRunToSuccessAndKeepsItsResultAndLog) {
  const auto job = CreateJob("ok", "test.ok");
  const auto run = Trigger(job);
  EXPECT_EQ(engine_->Tick(), 1);
  AwaitFinished(run.id);
  const auto stored = Stored(run.id);
  EXPECT_EQ(stored.status, RunStatus::kSucceeded);
  EXPECT_EQ(stored.result["answer"], 42);
  EXPECT_EQ(stored.lease_owner, "worker-a");
  EXPECT_EQ(stored.started_at, At(0));
  EXPECT_EQ(stored.finished_at, At(0));
  const auto lines = logs_.Lines(run.id);
  ASSERT_GE(lines.size(), 3U);
  EXPECT_NE(lines[0].find("started on worker-a (attempt 1 of 1"), std::string::npos);
  EXPECT_EQ(lines[1], "info: hello");
  EXPECT_NE(lines.back().find("succeeded"), std::string::npos);
  EXPECT_TRUE(logs_.Ended(run.id));
  EXPECT_EQ(logs_.Events(run.id).back()["run"]["status"], "succeeded");
}

TEST_F(EngineTest, FailureIsRetriedWithBackoffAsLinkedAttempts) {
  const auto job =
      CreateJob("flaky", "test.fail",
                {{"retries", {{"count", 2}, {"backoff_seconds", 60}, {"jitter", false}}}});
  const auto first = Trigger(job);
  engine_->Tick();
  AwaitFinished(first.id);
  ASSERT_EQ(Stored(first.id).status, RunStatus::kFailed);
  EXPECT_EQ(Stored(first.id).error, "it broke");

  auto attempts = store_->Runs().ListAttempts(first.id);
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 2U);
  const RunRecord second = (*attempts)[1];
  EXPECT_EQ(second.attempt, 2);
  EXPECT_EQ(second.retry_of, first.id);
  EXPECT_EQ(second.trigger, "retry");
  EXPECT_EQ(second.available_at, At(60));

  clock_.Set(At(59));
  EXPECT_EQ(engine_->Tick(), 0) << "claimed before its backoff ended";
  clock_.Set(At(60));
  EXPECT_EQ(engine_->Tick(), 1);
  AwaitFinished(second.id);

  attempts = store_->Runs().ListAttempts(first.id);
  ASSERT_EQ(attempts->size(), 3U);
  const RunRecord third = (*attempts)[2];
  EXPECT_EQ(third.available_at, At(60 + 120)) << "the wait doubles";
  clock_.Set(third.available_at);
  engine_->Tick();
  AwaitFinished(third.id);
  attempts = store_->Runs().ListAttempts(first.id);
  EXPECT_EQ(attempts->size(), 3U) << "no attempt after the last retry";
  EXPECT_EQ(Stored(third.id).status, RunStatus::kFailed);
}

TEST_F(EngineTest, AThrowingJobTypeFailsTheRunInsteadOfTheServer) {
  const auto run = Trigger(CreateJob("throws", "test.throw"));
  engine_->Tick();
  AwaitFinished(run.id);
  EXPECT_EQ(Stored(run.id).status, RunStatus::kFailed);
  EXPECT_NE(Stored(run.id).error.find("boom"), std::string::npos);
}

TEST_F(EngineTest, TimeoutCancelsTheTokenAndMarksTheRunTimedOut) {
  const auto run = Trigger(CreateJob("slow", "test.wait", {{"timeout_seconds", 30}}));
  engine_->Tick();
  ASSERT_TRUE(started_.WaitFor(kWait));
  clock_.Set(At(29));
  engine_->Tick();
  EXPECT_EQ(Stored(run.id).status, RunStatus::kRunning);
  clock_.Set(At(30));
  engine_->Tick();
  const auto finished = AwaitFinished(run.id);
  EXPECT_EQ(finished.status, RunStatus::kTimedOut);
  EXPECT_EQ(Stored(run.id).status, RunStatus::kTimedOut);
  EXPECT_EQ(Stored(run.id).error, "timed out after 30.0 s");
}

TEST_F(EngineTest, ARunnerIgnoringItsTokenEndsTimedOutAtTheTimeoutAndIsAbandonedAfterTheGrace) {
  const auto run = Trigger(CreateJob("stuck", "test.stuck", {{"timeout_seconds", 10}}));
  engine_->Tick();
  ASSERT_TRUE(started_.WaitFor(kWait));
  clock_.Set(At(10));
  engine_->Tick();  // the run ends timed_out and its token is cancelled; the runner ignores it
  const auto stored = Stored(run.id);
  EXPECT_EQ(stored.status, RunStatus::kTimedOut);
  EXPECT_EQ(stored.error, "timed out after 10.0 s");
  EXPECT_EQ(stored.finished_at, At(10));
  EXPECT_EQ(engine_->RunningCount(), 1U) << "it holds its slot while it may still stop";
  clock_.Set(At(15));
  engine_->Tick();  // abandon_grace (5 s) is over
  EXPECT_EQ(engine_->RunningCount(), 0U) << "the slot is free again";
  EXPECT_EQ(Stored(run.id).status, RunStatus::kTimedOut);
  release_.Open();
}

TEST_F(EngineTest, CancelOfAQueuedRunEndsItAtOnce) {
  const auto run = Trigger(CreateJob("queued", "test.ok"));
  auto cancelled = runs_->Cancel(run.id, auth::Actor::System("test"));
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, RunStatus::kCancelled);
  EXPECT_EQ(engine_->Tick(), 0);
  EXPECT_FALSE(runs_->Cancel(run.id, auth::Actor::System("test")).ok());
}

TEST_F(EngineTest, CancelOfARunningRunStopsItThroughItsToken) {
  const auto run = Trigger(CreateJob("long", "test.wait", {{"retries", {{"count", 3}}}}));
  engine_->Tick();
  ASSERT_TRUE(started_.WaitFor(kWait));
  ASSERT_TRUE(runs_->Cancel(run.id, auth::Actor::System("test")).ok());
  EXPECT_EQ(AwaitFinished(run.id).status, RunStatus::kCancelled);
  auto attempts = store_->Runs().ListAttempts(run.id);
  EXPECT_EQ(attempts->size(), 1U) << "a cancelled run is not retried";
}

// RunService::Cancel can reach the engine between its claim of the run (the store says
// running) and the run's registration; it must not wait for the next heartbeat then.
TEST_F(EngineTest, ACancelArrivingBeforeTheClaimedRunIsRegisteredStopsItAtOnce) {
  const auto run = Trigger(CreateJob("racy", "test.wait"));
  EXPECT_FALSE(engine_->CancelLocal(run.id)) << "not running here yet";
  EXPECT_EQ(engine_->Tick(), 1);
  EXPECT_EQ(AwaitFinished(run.id).status, RunStatus::kCancelled);
}

TEST_F(EngineTest, CancelRequestedOnAnotherNodeArrivesWithTheHeartbeat) {
  const auto run = Trigger(CreateJob("remote", "test.wait"));
  engine_->Tick();
  ASSERT_TRUE(started_.WaitFor(kWait));
  // As another node's API would: only the store is told.
  ASSERT_TRUE(store_->Runs().RequestCancel(run.id, clock_.Now()).ok());
  clock_.Set(At(10));
  engine_->Tick();
  EXPECT_EQ(AwaitFinished(run.id).status, RunStatus::kCancelled);
}

TEST_F(EngineTest, ExpiredLeaseOfADeadWorkerIsRecoveredAndRetried) {
  const auto job =
      CreateJob("orphan", "test.ok",
                {{"retries", {{"count", 1}, {"jitter", false}, {"backoff_seconds", 0}}}});
  const auto run = Trigger(job);
  // A worker that claims the run and dies.
  ClaimRequest claim;
  claim.worker_id = "dead-worker";
  claim.now = clock_.Now();
  claim.lease = seconds(30);
  ASSERT_EQ(store_->Runs().Claim(claim)->size(), 1U);
  clock_.Set(At(29));
  engine_->Tick();
  EXPECT_EQ(Stored(run.id).status, RunStatus::kRunning);
  clock_.Set(At(31));
  EXPECT_EQ(engine_->Tick(), 1) << "the retry starts in the same tick";
  const auto lost = Stored(run.id);
  EXPECT_EQ(lost.status, RunStatus::kFailed);
  EXPECT_NE(lost.error.find("worker lost: dead-worker"), std::string::npos);
  auto attempts = store_->Runs().ListAttempts(run.id);
  ASSERT_EQ(attempts->size(), 2U);
  EXPECT_EQ(AwaitFinished((*attempts)[1].id).status, RunStatus::kSucceeded);
}

TEST_F(EngineTest, ExpiredLeaseWithoutAttemptsLeftFailsWithWorkerLost) {
  const auto run = Trigger(CreateJob("orphan", "test.ok"));
  ClaimRequest claim;
  claim.worker_id = "dead-worker";
  claim.now = clock_.Now();
  ASSERT_EQ(store_->Runs().Claim(claim)->size(), 1U);
  clock_.Set(At(31));
  engine_->Tick();
  EXPECT_EQ(Stored(run.id).status, RunStatus::kFailed);
  EXPECT_EQ(store_->Runs().ListAttempts(run.id)->size(), 1U);
}

TEST_F(EngineTest, AWorkerThatLostItsLeaseCannotFinishTheRun) {
  const auto run = Trigger(CreateJob("contested", "test.wait"));
  engine_->Tick();
  ASSERT_TRUE(started_.WaitFor(kWait));
  // This worker stalls past its lease; another recovers the run.
  clock_.Set(At(31));
  auto other = MakeEngine("worker-b");
  other->Tick();
  EXPECT_EQ(Stored(run.id).status, RunStatus::kFailed);
  clock_.Set(At(40));
  engine_->Tick();  // its heartbeat is refused: the token is cancelled, nothing is written
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  const auto stored = Stored(run.id);
  EXPECT_EQ(stored.status, RunStatus::kFailed);
  EXPECT_NE(stored.error.find("worker lost"), std::string::npos);
  other->Stop(milliseconds(0));
}

TEST_F(EngineTest, QueueOverlapRunsOneAtATime) {
  const auto job = CreateJob("serial", "test.wait", {{"overlap", "queue"}});
  auto first = Trigger(job);
  auto second = Trigger(job);
  EXPECT_EQ(engine_->Tick(), 1);
  ASSERT_TRUE(started_.WaitFor(kWait));
  // Runs queued within one millisecond have no defined order between them.
  if (Stored(first.id).status != RunStatus::kRunning) std::swap(first, second);
  EXPECT_EQ(engine_->Tick(), 0) << "the second waits for the first";
  EXPECT_EQ(Stored(second.id).status, RunStatus::kQueued);
  engine_->CancelLocal(first.id);
  AwaitFinished(first.id);
  EXPECT_EQ(engine_->Tick(), 1);
  engine_->CancelLocal(second.id);
  AwaitFinished(second.id);
}

TEST_F(EngineTest, AllowOverlapRunsUpToMaxConcurrent) {
  const auto job =
      CreateJob("parallel", "test.wait", {{"overlap", "allow"}, {"max_concurrent", 2}});
  const std::vector<RunRecord> runs{Trigger(job), Trigger(job), Trigger(job)};
  EXPECT_EQ(engine_->Tick(), 2);
  // Runs queued within one millisecond have no defined order between them.
  std::vector<std::string> running;
  std::string waiting;
  for (const auto& run : runs) {
    const auto status = Stored(run.id).status;
    if (status == RunStatus::kRunning) running.push_back(run.id);
    if (status == RunStatus::kQueued) waiting = run.id;
  }
  ASSERT_EQ(running.size(), 2U);
  ASSERT_FALSE(waiting.empty());
  for (const auto& id : running) engine_->CancelLocal(id);
  for (const auto& id : running) AwaitFinished(id);
  EXPECT_EQ(engine_->Tick(), 1);
  engine_->CancelLocal(waiting);
  AwaitFinished(waiting);
}

TEST_F(EngineTest, UnknownJobTypeAtRunTimeFailsTheRun) {
  const auto job = CreateJob("vanishing", "test.ok");
  auto run = Trigger(job);
  JobTypeRegistry empty;
  EngineOptions options;
  options.worker_id = "bare";
  Engine bare(*store_, logs_, empty, clock_, options);
  bare.Tick();
  EXPECT_EQ(Stored(run.id).status, RunStatus::kFailed);
  EXPECT_EQ(Stored(run.id).error, "unknown job type 'test.ok'");
}

TEST_F(EngineTest, RerunQueuesTheSameParametersAgainLinkedToTheOriginal) {
  const auto job =
      CreateJob("again", "test.ok", {}, {{{"name", "day"}, {"type", "date"}, {"required", true}}});
  const auto run = Trigger(job, {{"day", "2026-12-01"}});
  engine_->Tick();
  AwaitFinished(run.id);
  auto again = runs_->Rerun(run.id, auth::Actor::System("test"));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->rerun_of, run.id);
  EXPECT_EQ(again->parameters["day"], "2026-12-01");
  EXPECT_EQ(again->trigger, "rerun");
}

TEST_F(EngineTest, TriggerRefusesBadParametersNamingThem) {
  const auto job = CreateJob("typed", "test.ok", {},
                             {{{"name", "limit"}, {"type", "integer"}, {"required", true}}});
  auto missing = runs_->Trigger(job.id, nlohmann::json::object(), "api", auth::Actor::System("t"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().details["field"], "parameters.limit");
  auto wrong = runs_->Trigger(job.id, {{"limit", "ten"}}, "api", auth::Actor::System("t"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kValidation);
  auto unknown = runs_->Trigger(job.id, {{"limit", 1}, {"x", 1}}, "api", auth::Actor::System("t"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().details["field"], "parameters.x");
}

TEST_F(EngineTest, ShutdownInterruptsRunningRunsAndRetriesThem) {
  const auto run = Trigger(
      CreateJob("interrupted", "test.wait", {{"retries", {{"count", 1}, {"backoff_seconds", 0}}}}));
  engine_->Tick();
  ASSERT_TRUE(started_.WaitFor(kWait));
  engine_->Stop(milliseconds(0));
  const auto stored = Stored(run.id);
  EXPECT_EQ(stored.status, RunStatus::kFailed);
  EXPECT_EQ(stored.error, "interrupted: the server stopped");
  EXPECT_EQ(store_->Runs().ListAttempts(run.id)->size(), 2U);
}

TEST_F(EngineTest, BackgroundLoopRunsWhatIsTriggeredWithoutTicks) {
  engine_->Start();
  const auto run = Trigger(CreateJob("live", "test.ok"));
  EXPECT_EQ(AwaitFinished(run.id).status, RunStatus::kSucceeded);
}

}  // namespace
}  // namespace batuta::runs
