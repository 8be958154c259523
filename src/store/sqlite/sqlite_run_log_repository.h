#pragma once

#include "store/run_log_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// RunLogRepository on the run_logs table (migration 0003), keyed (run_id, seq) WITHOUT ROWID
// so a run's lines are stored together in seq order. The lines of a pruned run go with it
// (ON DELETE CASCADE). Thread-safe through the pool, which must outlive it.
class SqliteRunLogRepository final : public RunLogRepository {
 public:
  explicit SqliteRunLogRepository(ConnectionPool& pool) : pool_(pool) {}

  // Also kNotFound when the run does not exist (nothing is written).
  Status Append(std::string_view run_id, const std::vector<LogLine>& lines) override;
  Result<std::vector<LogLine>> ListAfter(std::string_view run_id, std::int64_t after_seq,
                                         int limit) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
