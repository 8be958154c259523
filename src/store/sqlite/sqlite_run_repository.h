#pragma once

#include "store/run_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// RunRepository on the runs table (migration 0003). Every write goes through the pool's single
// writer, and a claim is one BEGIN IMMEDIATE transaction, which also holds off other
// processes: that is what makes a run claimed by exactly one worker. Thread-safe through the
// pool, which must outlive it.
//
// Claim walks the queued runs in (available_at, id) order along the partial index runs_queued
// and skips those of jobs at their max_concurrent; a long backlog of one saturated job is
// walked on every claim, which costs an index scan, not a table scan.
class SqliteRunRepository final : public RunRepository {
 public:
  explicit SqliteRunRepository(ConnectionPool& pool) : pool_(pool) {}

  Status Enqueue(const RunRecord& run) override;
  Result<std::vector<RunRecord>> Claim(const ClaimRequest& request) override;
  Result<HeartbeatReply> Heartbeat(std::string_view run_id, std::int64_t lease_token, TimePoint now,
                                   std::chrono::milliseconds lease) override;
  Status UpdateProgress(std::string_view run_id, std::int64_t lease_token,
                        const nlohmann::json& progress) override;
  Status Finish(std::string_view run_id, std::int64_t lease_token,
                const RunCompletion& completion) override;
  Result<RunRecord> RequestCancel(std::string_view run_id, TimePoint now) override;
  Result<std::vector<RunRecord>> ListExpiredLeases(TimePoint now, int limit) override;
  Result<std::optional<RunRecord>> FindById(std::string_view id) override;
  Result<std::vector<RunRecord>> List(const RunFilter& filter) override;
  Result<std::vector<RunRecord>> ListAttempts(std::string_view root_run_id) override;
  Result<std::int64_t> CountActive(std::string_view job_id) override;
  Result<RunWindowSummary> Summarize(TimePoint queued_from, TimePoint queued_to) override;
  Result<std::int64_t> Prune(TimePoint finished_before, int keep_per_job) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
