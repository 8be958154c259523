#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace batuta {

// queued → running → one of the terminal states. A queued run may also be cancelled directly.
enum class RunStatus { kQueued, kRunning, kSucceeded, kFailed, kTimedOut, kCancelled };

std::string_view RunStatusName(RunStatus status);  // "queued", "running", "succeeded", ...
std::optional<RunStatus> ParseRunStatus(std::string_view name);
bool IsTerminal(RunStatus status);

// One execution of one version of a job. Retries are separate runs linked by `retry_of` and
// sharing `root_run_id` (the first attempt's id), so every attempt keeps its own log.
struct RunRecord {
  std::string id;
  std::string job_id;
  std::string job_name;
  std::int64_t job_version = 0;
  RunStatus status = RunStatus::kQueued;
  std::string trigger;     // "schedule", "manual", "api", "retry", "rerun", "workflow"
  std::string actor_kind;  // "user", "api_key", "system"
  std::string actor_name;
  std::optional<std::string> actor_id;
  nlohmann::json parameters = nlohmann::json::object();

  int attempt = 1;                      // 1 for the first attempt, +1 per retry
  int max_attempts = 1;                 // 1 + the job's retry count when the run was queued
  std::optional<std::string> retry_of;  // the attempt this one retries
  std::string root_run_id;              // the first attempt; equals id for it
  std::optional<std::string> rerun_of;  // the finished run a person asked to run again
  std::optional<std::string> schedule_id;
  std::optional<TimePoint> scheduled_for;

  // Policies copied from the job version when queued, so a later edit does not change them.
  std::chrono::milliseconds timeout{0};  // 0: none
  int max_concurrent = 0;                // runs of this job running at once; 0: no limit

  TimePoint queued_at;
  TimePoint available_at;  // not claimed before this (retry backoff)
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;

  // The claim: the worker holding the run and a fencing token that grows with every claim,
  // so only the current holder can heartbeat or finish it.
  std::optional<std::string> lease_owner;
  std::int64_t lease_token = 0;
  std::optional<TimePoint> lease_expires_at;
  bool cancel_requested = false;

  nlohmann::json result = nlohmann::json::object();    // what the runner reported
  std::string error;                                   // why it did not succeed
  nlohmann::json progress = nlohmann::json::object();  // e.g. {"rows": 1200}
  std::int64_t log_lines = 0;                          // highest log sequence number stored
};

struct RunFilter {
  std::optional<std::string> job_id;
  std::optional<RunStatus> status;
  std::optional<std::string> trigger;
  std::optional<TimePoint> queued_from;  // inclusive
  std::optional<TimePoint> queued_to;    // exclusive
  std::optional<std::string> before_id;  // paging: runs older than this id (ids sort by time)
  int limit = 50;
};

// What the runs queued in one time window came to (RunRepository::Summarize).
struct RunWindowSummary {
  // Runs by status, indexed by static_cast<std::size_t>(RunStatus).
  std::array<std::int64_t, 6> by_status{};
  // Durations (started to finished) of the window's finished runs that started: the middle
  // one (the lower of the two middle ones for an even count) and the longest; unset when none.
  std::optional<std::chrono::milliseconds> median_duration;
  std::optional<std::chrono::milliseconds> max_duration;

  std::int64_t count(RunStatus status) const { return by_status[static_cast<std::size_t>(status)]; }
};

// How a worker ends a run it holds.
struct RunCompletion {
  RunStatus status = RunStatus::kSucceeded;  // a terminal state
  nlohmann::json result = nlohmann::json::object();
  std::string error;
  TimePoint finished_at;
  // Queued in the same transaction when set: the next attempt (trigger "retry").
  std::optional<RunRecord> retry;
};

struct ClaimRequest {
  std::string worker_id;
  TimePoint now;
  std::chrono::milliseconds lease{30000};
  int limit = 1;
};

struct HeartbeatReply {
  bool cancel_requested = false;
};

// The run queue and run history. Thread-safe, also across processes sharing the store;
// times are given by the caller.
class RunRepository {
 public:
  virtual ~RunRepository() = default;

  // Stores a new run (normally queued). kConflict when the id exists.
  virtual Status Enqueue(const RunRecord& run) = 0;

  // Claims up to `limit` queued runs whose available_at has come, oldest first, skipping runs
  // whose job already has max_concurrent runs running; each becomes running with started_at
  // = now, lease_owner = worker, a new lease_token and lease_expires_at = now + lease. Safe
  // against concurrent claimers: a run is claimed by exactly one.
  virtual Result<std::vector<RunRecord>> Claim(const ClaimRequest& request) = 0;

  // Extends the lease of a run held with `lease_token`; kConflict when the run is no longer
  // held with that token (finished, recovered or claimed again).
  virtual Result<HeartbeatReply> Heartbeat(std::string_view run_id, std::int64_t lease_token,
                                           TimePoint now, std::chrono::milliseconds lease) = 0;

  // Records progress of a held run; kConflict as for Heartbeat.
  virtual Status UpdateProgress(std::string_view run_id, std::int64_t lease_token,
                                const nlohmann::json& progress) = 0;

  // Ends a running run held with `lease_token` (compare-and-set): kConflict, changing nothing,
  // when it is not held with that token any more. Also used to recover a run whose lease
  // expired, with the token ListExpiredLeases returned.
  virtual Status Finish(std::string_view run_id, std::int64_t lease_token,
                        const RunCompletion& completion) = 0;

  // A queued run is cancelled at once (finished_at = now); a running one gets
  // cancel_requested, which its worker sees at its next heartbeat. Returns the run as stored.
  // kNotFound for an unknown id; kConflict when the run has already finished.
  virtual Result<RunRecord> RequestCancel(std::string_view run_id, TimePoint now) = 0;

  // Running runs whose lease expired before `now`, oldest lease first.
  virtual Result<std::vector<RunRecord>> ListExpiredLeases(TimePoint now, int limit) = 0;

  virtual Result<std::optional<RunRecord>> FindById(std::string_view id) = 0;
  // Newest first.
  virtual Result<std::vector<RunRecord>> List(const RunFilter& filter) = 0;
  // Every attempt sharing `root_run_id`, first attempt first.
  virtual Result<std::vector<RunRecord>> ListAttempts(std::string_view root_run_id) = 0;
  // Runs of the job that are queued or running.
  virtual Result<std::int64_t> CountActive(std::string_view job_id) = 0;
  // The runs queued in [queued_from, queued_to), counted by status, with their durations.
  // Indexed by queued_at, so the dashboard can ask for one window per day.
  virtual Result<RunWindowSummary> Summarize(TimePoint queued_from, TimePoint queued_to) = 0;

  // Deletes finished runs (and their logs) that finished before `finished_before`, except
  // the newest `keep_per_job` finished runs of each job. Returns how many were deleted.
  virtual Result<std::int64_t> Prune(TimePoint finished_before, int keep_per_job) = 0;
};

}  // namespace batuta
