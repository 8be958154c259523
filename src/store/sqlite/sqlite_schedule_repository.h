#pragma once

#include "store/schedule_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// ScheduleRepository on the schedules and schedule_fires tables (migration 0003). The primary
// key of schedule_fires, (schedule_id, scheduled_for), is what lets a scheduled time fire at
// most once; Advance inserts with INSERT OR IGNORE and queues a run only for a fire that was
// new. ListDue and EarliestNextFire walk the partial index schedules_due in next_fire_at
// order. Thread-safe through the pool, which must outlive it.
class SqliteScheduleRepository final : public ScheduleRepository {
 public:
  explicit SqliteScheduleRepository(ConnectionPool& pool) : pool_(pool) {}

  Status Create(const ScheduleRecord& schedule) override;
  Status Update(const ScheduleRecord& schedule) override;
  Status Delete(std::string_view id) override;
  Result<std::optional<ScheduleRecord>> FindById(std::string_view id) override;
  Result<std::vector<ScheduleRecord>> ListForJob(std::string_view job_id) override;
  Result<std::vector<ScheduleRecord>> ListDue(TimePoint now, int limit) override;
  Result<std::optional<TimePoint>> EarliestNextFire() override;
  Result<bool> Advance(const ScheduleAdvance& advance) override;
  Result<std::vector<bool>> AdvanceMany(const std::vector<ScheduleAdvance>& advances) override;
  Result<std::vector<ScheduleFireRecord>> ListFires(std::string_view schedule_id,
                                                    int limit) override;

 private:
  // One advance inside the caller's write transaction on `writer`.
  static Result<bool> ApplyAdvance(Connection& writer, const ScheduleAdvance& advance);

  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
