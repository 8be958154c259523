#include "runs/engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <exception>

#include "runs/backoff.h"
#include "runs/run_json.h"

namespace batuta::runs {
namespace {

std::string Seconds(std::chrono::milliseconds d) {
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1000.0);
}

nlohmann::json StatusEvent(const RunRecord& run) {
  return {{"type", "status"}, {"run", RunJson(run)}};
}

}  // namespace

// One run executing in this process: the RunContext its runner sees, its cancel token and
// the engine's bookkeeping. Shared between the runner's thread and the engine's tick; the
// run record is fixed at start, mutable state is atomic or guarded by mutex_.
class Engine::Execution final : public RunContext {
 public:
  Execution(Engine& engine, RunRecord run, std::shared_ptr<const JobSpec> spec, const JobType& type)
      : engine_(engine), run_(std::move(run)), spec_(std::move(spec)), type_(type) {}

  const RunRecord& run() const override { return run_; }
  const JobSpec& spec() const override { return *spec_; }
  const Clock& clock() const override { return engine_.clock_; }
  const CancelToken& cancel() const override { return token_; }

  void Log(std::string_view level, std::string_view message) override {
    // A runner abandoned at its deadline may outlive the engine: from then on it is mute.
    const std::lock_guard lock(mutex_);
    if (abandoned_) return;
    engine_.logs_.Write(run_.id, level, message);
  }

  void ReportProgress(const nlohmann::json& progress) override {
    const std::lock_guard lock(mutex_);
    if (abandoned_) return;
    engine_.logs_.Publish(run_.id, {{"type", "progress"}, {"progress", progress}});
    // The store keeps the latest progress at most once a second: it is for people reading
    // the run page, and every write takes the store's single writer.
    const auto now = engine_.clock_.Now();
    if (last_progress_write_ && now - *last_progress_write_ < std::chrono::seconds(1)) return;
    last_progress_write_ = now;
    (void)engine_.store_.Runs().UpdateProgress(run_.id, run_.lease_token, progress);
  }

  void RegisterSecret(std::string_view value) override {
    const std::lock_guard lock(mutex_);
    if (abandoned_) return;
    engine_.logs_.RegisterSecret(run_.id, value);
  }

  // The runner's thread body.
  void Execute() {
    RunOutcome outcome;
    try {
      outcome = type_.Run(*this);
    } catch (const std::exception& e) {
      outcome = RunOutcome::Failure(fmt::format("the job type failed unexpectedly: {}", e.what()));
    } catch (...) {
      outcome = RunOutcome::Failure("the job type failed unexpectedly");
    }
    {
      const std::lock_guard lock(mutex_);
      runner_returned_ = true;
      returned_.notify_all();
      if (abandoned_) return;  // the engine finished the run already and may be gone
    }
    auto [status, error] = Verdict(outcome);
    engine_.Complete(*this, status, std::move(outcome.result), std::move(error));
    engine_.OnExecutionEnded(run_.id);
  }

  // The terminal state the run's outcome and token call for.
  std::pair<RunStatus, std::string> Verdict(const RunOutcome& outcome) const {
    if (const auto reason = token_.Reason()) {
      switch (*reason) {
        case CancelReason::kTimeout:
          return {RunStatus::kTimedOut, fmt::format("timed out after {}", Seconds(run_.timeout))};
        case CancelReason::kCancelled:
          return {RunStatus::kCancelled, "cancelled"};
        case CancelReason::kLeaseLost:
          return {RunStatus::kFailed, "this worker lost the run's lease"};
        case CancelReason::kShutdown:
          return {RunStatus::kFailed, "interrupted: the server stopped"};
      }
    }
    if (outcome.succeeded) return {RunStatus::kSucceeded, ""};
    return {RunStatus::kFailed, outcome.error.empty() ? "failed" : outcome.error};
  }

  // Stops the run by the engine's decision; records when, for abandon_grace.
  void Cancel(CancelReason reason, TimePoint now) {
    {
      const std::lock_guard lock(mutex_);
      if (!cancelled_at_) cancelled_at_ = now;
    }
    token_.Cancel(reason);
  }

  std::optional<TimePoint> cancelled_at() const {
    const std::lock_guard lock(mutex_);
    return cancelled_at_;
  }

  // Waits (real time) for the runner to return; true when it did.
  bool WaitReturned(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return returned_.wait_for(lock, timeout, [this] { return runner_returned_; });
  }

  // True when the runner has not returned yet; from then on it is ignored.
  bool Abandon() {
    const std::lock_guard lock(mutex_);
    if (runner_returned_) return false;
    abandoned_ = true;
    return true;
  }

  Engine& engine_;
  const RunRecord run_;
  const std::shared_ptr<const JobSpec> spec_;
  const JobType& type_;
  CancelToken token_;
  std::atomic<bool> completed_{false};  // set by whoever finishes the run in the store
  TimePoint last_heartbeat_;            // touched by Tick only (tick_mutex_)
  std::thread thread_;

 private:
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  bool runner_returned_ = false;
  bool abandoned_ = false;
  std::optional<TimePoint> cancelled_at_;
  std::optional<TimePoint> last_progress_write_;
};

Engine::Engine(Store& store, RunLogWriter& logs, const JobTypeRegistry& types, const Clock& clock,
               EngineOptions options)
    : store_(store),
      logs_(logs),
      types_(types),
      clock_(clock),
      options_(std::move(options)),
      ids_(clock),
      jitter_(options_.jitter_seed != 0 ? options_.jitter_seed : std::random_device{}()) {
  assert(!options_.worker_id.empty() && "a worker needs an id for its leases");
  assert(options_.max_parallel_runs > 0);
}

Engine::~Engine() { Stop(std::chrono::milliseconds(0)); }

void Engine::SetFinishedListener(FinishedListener listener) {
  const std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void Engine::Start() {
  const std::lock_guard lock(mutex_);
  if (loop_.joinable() || stopping_) return;
  loop_ = std::thread([this] { Loop(); });
}

void Engine::Wake() {
  {
    const std::lock_guard lock(mutex_);
    wake_ = true;
  }
  changed_.notify_all();
}

void Engine::Loop() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, options_.poll_interval, [this] { return wake_ || stopping_; });
      if (stopping_) return;
      wake_ = false;
    }
    Tick();
  }
}

void Engine::Stop(std::chrono::milliseconds grace) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ && !loop_.joinable() && running_.empty() && finished_.empty()) return;
    stopping_ = true;
  }
  changed_.notify_all();
  if (loop_.joinable()) loop_.join();

  if (!WaitIdle(grace)) {
    std::vector<std::shared_ptr<Execution>> running;
    {
      const std::lock_guard lock(mutex_);
      for (const auto& [id, execution] : running_) running.push_back(execution);
    }
    for (const auto& execution : running) execution->Cancel(CancelReason::kShutdown, clock_.Now());
    if (!WaitIdle(options_.abandon_grace)) {
      const std::lock_guard tick(tick_mutex_);
      std::vector<std::shared_ptr<Execution>> stuck;
      {
        const std::lock_guard lock(mutex_);
        for (const auto& [id, execution] : running_) stuck.push_back(execution);
      }
      for (const auto& execution : stuck) {
        if (!execution->Abandon()) continue;
        Complete(*execution, RunStatus::kFailed, nlohmann::json::object(),
                 "interrupted: the server stopped and the job did not stop in time");
        const std::lock_guard lock(mutex_);
        running_.erase(execution->run_.id);
        abandoned_.push_back(execution);
      }
    }
  }
  const std::lock_guard tick(tick_mutex_);
  ReapFinished();
  std::vector<std::shared_ptr<Execution>> abandoned;
  {
    const std::lock_guard lock(mutex_);
    abandoned.swap(abandoned_);
  }
  // Abandoned runners get one more abandon_grace in all to return and be joined. Those that
  // still ignore their token are detached: they touch nothing of the engine any more
  // (Execution::Abandon), so they may outlive it.
  const auto deadline = std::chrono::steady_clock::now() + options_.abandon_grace;
  for (auto& execution : abandoned) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!execution->thread_.joinable()) continue;
    if (execution->WaitReturned(std::max(left, std::chrono::milliseconds(0)))) {
      execution->thread_.join();
    } else {
      execution->thread_.detach();
    }
  }
}

int Engine::Tick() {
  const std::lock_guard tick(tick_mutex_);
  const TimePoint now = clock_.Now();
  ReapFinished();
  HeartbeatAndEnforce(now);
  RecoverExpired(now);
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return 0;
  }
  return ClaimAndStart();
}

int Engine::ClaimAndStart() {
  {
    // A miss older than a lease concerns a run held elsewhere (see CancelLocal).
    const std::lock_guard lock(mutex_);
    const TimePoint oldest = clock_.Now() - options_.lease;
    std::erase_if(cancel_misses_, [&](const auto& miss) { return miss.second < oldest; });
  }
  int started = 0;
  while (true) {
    std::size_t running = 0;
    {
      const std::lock_guard lock(mutex_);
      running = running_.size();
    }
    const int free = options_.max_parallel_runs - static_cast<int>(running);
    if (free <= 0) break;
    ClaimRequest request;
    request.worker_id = options_.worker_id;
    request.now = clock_.Now();
    request.lease = options_.lease;
    request.limit = std::min(free, options_.claim_batch);
    auto claimed = store_.Runs().Claim(request);
    if (!claimed.ok()) {
      spdlog::warn("engine: cannot claim runs: {}", claimed.error().message);
      break;
    }
    for (auto& run : *claimed) {
      StartExecution(std::move(run));
      ++started;
    }
    if (static_cast<int>(claimed->size()) < request.limit) break;
  }
  return started;
}

Result<std::shared_ptr<const JobSpec>> Engine::SpecOf(const RunRecord& run) {
  const std::string key = fmt::format("{}@{}", run.job_id, run.job_version);
  {
    const std::lock_guard lock(specs_mutex_);
    if (const auto it = specs_.find(key); it != specs_.end()) return it->second;
  }
  auto version = store_.Jobs().FindVersion(run.job_id, run.job_version);
  if (!version.ok()) return std::move(version).error();
  auto spec = ParseJobSpec(version->definition);
  if (!spec.ok()) return std::move(spec).error();
  auto shared = std::make_shared<const JobSpec>(std::move(spec).value());
  const std::lock_guard lock(specs_mutex_);
  // Bounded: a server with very many jobs re-reads a version now and then instead of growing.
  if (specs_.size() >= 10'000) specs_.clear();
  specs_.emplace(key, shared);
  return shared;
}

void Engine::StartExecution(RunRecord run) {
  logs_.Begin(run.id, run.log_lines);
  auto spec = SpecOf(run);
  const JobType* type = spec.ok() ? types_.Find((*spec)->type) : nullptr;
  if (type == nullptr) {
    const std::string error =
        !spec.ok() ? (spec.error().code == ErrorCode::kNotFound
                          ? "the job version of this run no longer exists (job deleted)"
                          : "the job definition cannot be read: " + spec.error().message)
                   : fmt::format("unknown job type '{}'", (*spec)->type);
    RunCompletion completion;
    completion.status = RunStatus::kFailed;
    completion.error = error;
    completion.finished_at = clock_.Now();
    logs_.Write(run.id, "error", error);
    logs_.Persist(run.id);
    if (auto finished = store_.Runs().Finish(run.id, run.lease_token, completion); !finished.ok()) {
      spdlog::warn("engine: cannot finish run {}: {}", run.id, finished.error().message);
    }
    run.status = RunStatus::kFailed;
    run.error = error;
    run.finished_at = completion.finished_at;
    logs_.End(run.id, {{"type", "end"}, {"run", RunJson(run)}});
    return;
  }
  logs_.Write(run.id, "info",
              fmt::format("started on {} (attempt {} of {}, job version {})", options_.worker_id,
                          run.attempt, run.max_attempts, run.job_version));
  logs_.Publish(run.id, StatusEvent(run));
  auto execution =
      std::make_shared<Execution>(*this, std::move(run), std::move(spec).value(), *type);
  execution->last_heartbeat_ = clock_.Now();
  bool cancelled_meanwhile = false;
  {
    const std::lock_guard lock(mutex_);
    running_.emplace(execution->run_.id, execution);
    cancelled_meanwhile = cancel_misses_.erase(execution->run_.id) > 0;
  }
  if (cancelled_meanwhile) {
    logs_.Write(execution->run_.id, "warn", "cancel requested: stopping the job");
    execution->Cancel(CancelReason::kCancelled, clock_.Now());
  }
  execution->thread_ = std::thread([execution] { execution->Execute(); });
}

void Engine::OnExecutionEnded(const std::string& run_id) {
  {
    const std::lock_guard lock(mutex_);
    const auto it = running_.find(run_id);
    if (it != running_.end()) {
      finished_.push_back(it->second);
      running_.erase(it);
    }
    wake_ = true;  // a slot is free
  }
  changed_.notify_all();
}

void Engine::HeartbeatAndEnforce(TimePoint now) {
  std::vector<std::shared_ptr<Execution>> running;
  {
    const std::lock_guard lock(mutex_);
    running.reserve(running_.size());
    for (const auto& [id, execution] : running_) running.push_back(execution);
  }
  for (const auto& execution : running) {
    const RunRecord& run = execution->run_;
    if (!execution->completed_ && run.timeout.count() > 0 && run.started_at &&
        now >= *run.started_at + run.timeout && !execution->token_.Cancelled()) {
      // The run ends timed_out now; its runner is told to stop and keeps its slot until it
      // returns or is abandoned below. Whatever it reports afterwards is ignored.
      logs_.Write(run.id, "warn",
                  fmt::format("timed out after {}: stopping the job", Seconds(run.timeout)));
      execution->Cancel(CancelReason::kTimeout, now);
      Complete(*execution, RunStatus::kTimedOut, nlohmann::json::object(),
               fmt::format("timed out after {}", Seconds(run.timeout)));
    }
    if (!execution->completed_ && now - execution->last_heartbeat_ >= options_.heartbeat_interval) {
      auto beat = store_.Runs().Heartbeat(run.id, run.lease_token, now, options_.lease);
      if (beat.ok()) {
        execution->last_heartbeat_ = now;
        if (beat->cancel_requested && !execution->token_.Cancelled()) {
          logs_.Write(run.id, "warn", "cancel requested: stopping the job");
          execution->Cancel(CancelReason::kCancelled, now);
        }
      } else if (beat.error().code == ErrorCode::kConflict) {
        // Another worker recovered the run: whatever this runner does now cannot count.
        spdlog::warn("engine: lost the lease of run {}; stopping it here", run.id);
        execution->completed_ = true;
        execution->Cancel(CancelReason::kLeaseLost, now);
      } else {
        spdlog::warn("engine: heartbeat of run {} failed: {}", run.id, beat.error().message);
      }
    }
    const auto cancelled_at = execution->cancelled_at();
    if (cancelled_at && now - *cancelled_at >= options_.abandon_grace && execution->Abandon()) {
      if (execution->completed_) {
        spdlog::warn(
            "engine: run {} of job {} did not stop within {} of being stopped; its "
            "thread is abandoned",
            run.id, run.job_name, Seconds(options_.abandon_grace));
      } else {
        auto [status, error] = execution->Verdict(RunOutcome::Failure(""));
        error += fmt::format(" (the job did not stop within {} and was abandoned)",
                             Seconds(options_.abandon_grace));
        Complete(*execution, status, nlohmann::json::object(), std::move(error));
      }
      const std::lock_guard lock(mutex_);
      running_.erase(run.id);
      abandoned_.push_back(execution);
    }
  }
}

void Engine::RecoverExpired(TimePoint now) {
  auto expired = store_.Runs().ListExpiredLeases(now, 100);
  if (!expired.ok()) {
    spdlog::warn("engine: cannot list expired leases: {}", expired.error().message);
    return;
  }
  for (auto& run : *expired) {
    {
      const std::lock_guard lock(mutex_);
      if (running_.contains(run.id)) continue;  // ours: heartbeats decide
    }
    auto spec = SpecOf(run);
    const std::string error =
        fmt::format("worker lost: {} stopped renewing the run's lease (expired {})",
                    run.lease_owner.value_or("?"),
                    run.lease_expires_at ? FormatRfc3339(*run.lease_expires_at) : "?");
    RunCompletion completion;
    completion.status = RunStatus::kFailed;
    completion.error = error;
    completion.finished_at = now;
    if (spec.ok()) completion.retry = RetryOf(run, RunStatus::kFailed, **spec, now);
    auto finished = store_.Runs().Finish(run.id, run.lease_token, completion);
    if (!finished.ok()) continue;  // finished or recovered meanwhile by someone else
    spdlog::warn("engine: recovered run {} of job {}: {}", run.id, run.job_name, error);
    logs_.Begin(run.id, run.log_lines);
    logs_.Write(run.id, "error", error);
    if (completion.retry) {
      logs_.Write(run.id, "info",
                  fmt::format("attempt {} queued as run {}", completion.retry->attempt,
                              completion.retry->id));
    }
    run.status = RunStatus::kFailed;
    run.error = error;
    run.finished_at = now;
    logs_.End(run.id, {{"type", "end"}, {"run", RunJson(run)}});
  }
}

void Engine::ReapFinished() {
  std::vector<std::shared_ptr<Execution>> finished;
  {
    const std::lock_guard lock(mutex_);
    finished.swap(finished_);
  }
  for (const auto& execution : finished) {
    if (execution->thread_.joinable()) execution->thread_.join();
  }
}

std::optional<RunRecord> Engine::RetryOf(const RunRecord& run, RunStatus status,
                                         const JobSpec& spec, TimePoint now) {
  if (status != RunStatus::kFailed && status != RunStatus::kTimedOut) return std::nullopt;
  if (run.attempt >= run.max_attempts) return std::nullopt;
  std::uint64_t random = 0;
  {
    const std::lock_guard lock(mutex_);
    random = jitter_();
  }
  RunRecord retry;
  retry.id = ids_.Next();
  retry.job_id = run.job_id;
  retry.job_name = run.job_name;
  retry.job_version = run.job_version;
  retry.status = RunStatus::kQueued;
  retry.trigger = "retry";
  retry.actor_kind = run.actor_kind;
  retry.actor_name = run.actor_name;
  retry.actor_id = run.actor_id;
  retry.parameters = run.parameters;
  retry.attempt = run.attempt + 1;
  retry.max_attempts = run.max_attempts;
  retry.retry_of = run.id;
  retry.root_run_id = run.root_run_id;
  retry.rerun_of = run.rerun_of;
  retry.schedule_id = run.schedule_id;
  retry.scheduled_for = run.scheduled_for;
  retry.timeout = run.timeout;
  retry.max_concurrent = run.max_concurrent;
  retry.queued_at = now;
  retry.available_at = now + RetryDelay(spec.policies.retries, run.attempt, random);
  return retry;
}

void Engine::Complete(Execution& execution, RunStatus status, nlohmann::json result,
                      std::string error) {
  if (execution.completed_.exchange(true)) return;
  const RunRecord& run = execution.run_;
  const TimePoint now = clock_.Now();
  RunCompletion completion;
  completion.status = status;
  completion.result = std::move(result);
  completion.error = std::move(error);
  completion.finished_at = now;
  completion.retry = RetryOf(run, status, *execution.spec_, now);
  RunRecord finished = run;
  finished.status = status;
  finished.result = completion.result;
  finished.error = completion.error;
  finished.finished_at = now;
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(now - run.started_at.value_or(now));
  if (status == RunStatus::kSucceeded) {
    logs_.Write(run.id, "info", fmt::format("succeeded in {}", Seconds(took)));
  } else {
    logs_.Write(
        run.id, "error",
        fmt::format("{} after {}: {}", RunStatusName(status), Seconds(took), completion.error));
  }
  if (completion.retry) {
    logs_.Write(run.id, "info",
                fmt::format("attempt {} of {} queued as run {}, not before {}",
                            completion.retry->attempt, completion.retry->max_attempts,
                            completion.retry->id, FormatRfc3339(completion.retry->available_at)));
  }
  const bool retrying = completion.retry.has_value();
  logs_.Persist(run.id);
  auto stored = store_.Runs().Finish(run.id, run.lease_token, completion);
  if (!stored.ok()) {
    spdlog::warn("engine: cannot finish run {}: {}", run.id, stored.error().message);
    logs_.End(run.id, {{"type", "end"}, {"run", RunJson(finished)}});
    return;
  }
  logs_.End(run.id, {{"type", "end"}, {"run", RunJson(finished)}});
  FinishedListener listener;
  {
    const std::lock_guard lock(mutex_);
    listener = listener_;
    if (retrying) wake_ = true;
  }
  if (retrying) changed_.notify_all();
  if (listener) listener(finished);
}

bool Engine::CancelLocal(std::string_view run_id) {
  std::shared_ptr<Execution> execution;
  {
    const std::lock_guard lock(mutex_);
    const auto it = running_.find(run_id);
    if (it == running_.end()) {
      // Perhaps claimed by this process a moment ago and not registered yet: StartExecution
      // looks here. Bounded in size and, by ClaimAndStart, in age.
      if (cancel_misses_.size() < 10'000) cancel_misses_.emplace(run_id, clock_.Now());
      return false;
    }
    execution = it->second;
  }
  if (!execution->token_.Cancelled()) {
    logs_.Write(execution->run_.id, "warn", "cancel requested: stopping the job");
  }
  execution->Cancel(CancelReason::kCancelled, clock_.Now());
  return true;
}

std::size_t Engine::RunningCount() const {
  const std::lock_guard lock(mutex_);
  return running_.size();
}

bool Engine::WaitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return running_.empty(); });
}

}  // namespace batuta::runs
