#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "runs/job_type.h"
#include "runs/run_log_writer.h"
#include "store/store.h"

namespace batuta::runs {

struct EngineOptions {
  // Names this process in run leases; unique among the processes sharing a store.
  std::string worker_id;
  // Runs executing at once in this process.
  int max_parallel_runs = 8;
  // A claimed run belongs to this worker until now + lease; heartbeats extend it. When a
  // process dies, its runs are recovered once their leases expire.
  std::chrono::milliseconds lease{30'000};
  std::chrono::milliseconds heartbeat_interval{10'000};
  // After a run is cancelled (or timed out) its runner has this long to return; then the
  // run is finished without it and the runner's thread abandoned.
  std::chrono::milliseconds abandon_grace{10'000};
  // How often (real time) the background loop looks for work it was not woken for: runs
  // queued by other processes, retry backoffs ending, deadlines, expired leases.
  std::chrono::milliseconds poll_interval{1'000};
  int claim_batch = 32;
  // Seeds the retry jitter; 0 draws a random seed.
  std::uint64_t jitter_seed = 0;
};

// Executes queued runs: claims them from the store with a lease, runs each on its own thread
// through its JobType, heartbeats the lease, enforces timeouts and cancellation through the
// run's CancelToken, finishes the run in the store (compare-and-set on the lease token) and
// queues the next attempt when retries remain. Also recovers the runs of dead workers: a
// running run whose lease expired is failed with "worker lost" (and retried when attempts
// remain).
//
// All of that happens in Tick(). Start() runs Tick on a background thread whenever woken
// (Wake, a run finishing) or every poll_interval; tests skip Start and call Tick themselves
// after moving their ManualClock, so time-driven behaviour is deterministic.
//
// Thread-safety: every public method may be called from any thread. References passed to
// the constructor must outlive the engine.
class Engine {
 public:
  // Called after a run executed here reached a terminal state in the store (on the thread
  // that finished it). For tests, benchmarks and notifications.
  using FinishedListener = std::function<void(const RunRecord& run)>;

  Engine(Store& store, RunLogWriter& logs, const JobTypeRegistry& types, const Clock& clock,
         EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void SetFinishedListener(FinishedListener listener);

  void Start();
  // Stops claiming, gives running runs `grace` (real time) to finish, then cancels them
  // (CancelReason::kShutdown: they fail with "interrupted" and are retried when attempts
  // remain) and waits for them up to abandon_grace; a runner still running then is abandoned.
  // Abandoned runners get one more abandon_grace to return and be joined, else are detached.
  // Idempotent.
  void Stop(std::chrono::milliseconds grace);

  // New work may be queued: the background loop ticks now.
  void Wake();

  // One pass over everything time-driven. Returns the number of runs started.
  int Tick();

  // Cancels a run executing in this process now (the store already says cancel_requested);
  // false when it does not run here.
  bool CancelLocal(std::string_view run_id);

  // Runs executing in this process (not counting abandoned runners).
  std::size_t RunningCount() const;
  // Blocks until no run executes here or `timeout` (real time) passed; true when idle.
  bool WaitIdle(std::chrono::milliseconds timeout) const;

  const std::string& worker_id() const { return options_.worker_id; }

 private:
  class Execution;

  void Loop();
  int ClaimAndStart();
  void StartExecution(RunRecord run);
  void HeartbeatAndEnforce(TimePoint now);
  void RecoverExpired(TimePoint now);
  void ReapFinished();
  // A runner's thread is done with its run: its execution moves to finished_ to be joined.
  void OnExecutionEnded(const std::string& run_id);
  // Finishes `execution`'s run in the store, once (whoever calls first wins).
  void Complete(Execution& execution, RunStatus status, nlohmann::json result, std::string error);
  std::optional<RunRecord> RetryOf(const RunRecord& run, RunStatus status, const JobSpec& spec,
                                   TimePoint now);
  Result<std::shared_ptr<const JobSpec>> SpecOf(const RunRecord& run);

  Store& store_;
  RunLogWriter& logs_;
  const JobTypeRegistry& types_;
  const Clock& clock_;
  const EngineOptions options_;
  IdGenerator ids_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool wake_ = false;                                                       // guarded by mutex_
  bool stopping_ = false;                                                   // guarded by mutex_
  std::map<std::string, std::shared_ptr<Execution>, std::less<>> running_;  // by run id
  std::vector<std::shared_ptr<Execution>> finished_;   // to join; guarded by mutex_
  std::vector<std::shared_ptr<Execution>> abandoned_;  // runners that ignored their token
  // Runs CancelLocal did not find, and when: a cancel that arrives between a claim and the
  // run's registration in running_ is applied at registration. Guarded by mutex_.
  std::map<std::string, TimePoint, std::less<>> cancel_misses_;
  std::mt19937_64 jitter_;     // guarded by mutex_
  FinishedListener listener_;  // guarded by mutex_

  std::mutex specs_mutex_;
  // Job versions are immutable, so their parsed specs are cached by "job_id@version".
  std::map<std::string, std::shared_ptr<const JobSpec>, std::less<>> specs_;

  std::mutex tick_mutex_;  // one Tick at a time
  std::thread loop_;
};

}  // namespace batuta::runs
