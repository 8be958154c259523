#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/run_repository.h"

namespace batuta {

// When a job runs by itself. `spec` and `misfire` are the scheduler's JSON documents
// (scheduler/schedule_spec.h, scheduler/misfire.h); the store keeps them without
// interpreting them. `next_fire_at` is computed by the scheduler from the previous scheduled
// time; it is unset when the spec never fires again.
struct ScheduleRecord {
  std::string id;
  std::string job_id;
  nlohmann::json spec = nlohmann::json::object();
  nlohmann::json misfire = nlohmann::json::object();
  bool enabled = true;
  std::optional<TimePoint> next_fire_at;
  std::optional<TimePoint> last_scheduled_for;
  TimePoint created_at;
  TimePoint updated_at;
};

// What happened to one scheduled time: a run was queued, or it was skipped.
struct FireOutcome {
  TimePoint scheduled_for;
  std::optional<RunRecord> run;  // queued when set
  std::string skipped_reason;    // when no run: "overlap", "misfire", "job_disabled"
};

// Moving a schedule on: record the fires of the times that came, queue their runs, and set
// the next fire time, all in one transaction.
struct ScheduleAdvance {
  std::string schedule_id;
  // Compare-and-set: applied only while the stored next_fire_at equals this, so two
  // schedulers that both saw the schedule due cannot both advance it.
  std::optional<TimePoint> expected_next_fire_at;
  std::vector<FireOutcome> fires;
  std::optional<TimePoint> next_fire_at;
  TimePoint now;
  // When set, a fire whose run would start while the job has a queued or running run is
  // recorded as skipped ("overlap") instead (checked inside the transaction).
  bool skip_if_job_active = false;
};

struct ScheduleFireRecord {
  std::string schedule_id;
  TimePoint scheduled_for;
  TimePoint fired_at;
  std::optional<std::string> run_id;
  std::string skipped_reason;
};

// Schedules and their fires. A fire is a row keyed UNIQUE(schedule_id, scheduled_for), so
// no scheduled time can ever be fired twice, whatever the number of schedulers. Thread-safe.
class ScheduleRepository {
 public:
  virtual ~ScheduleRepository() = default;

  // kNotFound when the job does not exist.
  virtual Status Create(const ScheduleRecord& schedule) = 0;
  // Replaces spec, misfire, enabled, next_fire_at and updated_at. kNotFound for an unknown id.
  virtual Status Update(const ScheduleRecord& schedule) = 0;
  // Deletes the schedule with its fires; the runs it queued stay. kNotFound for an unknown id.
  virtual Status Delete(std::string_view id) = 0;
  virtual Result<std::optional<ScheduleRecord>> FindById(std::string_view id) = 0;
  // A job's schedules, oldest first.
  virtual Result<std::vector<ScheduleRecord>> ListForJob(std::string_view job_id) = 0;

  // Enabled schedules of enabled jobs whose next_fire_at <= now, earliest first.
  virtual Result<std::vector<ScheduleRecord>> ListDue(TimePoint now, int limit) = 0;
  // The earliest next_fire_at of an enabled schedule of an enabled job.
  virtual Result<std::optional<TimePoint>> EarliestNextFire() = 0;

  // Applies `advance`: false, changing nothing, when the schedule's next_fire_at no longer
  // equals expected_next_fire_at (another scheduler advanced it) or it was deleted. A fire
  // whose (schedule_id, scheduled_for) is already recorded is left out, with its run.
  virtual Result<bool> Advance(const ScheduleAdvance& advance) = 0;
  // Several Advances in one transaction (a scheduler's whole pass: one commit instead of one
  // per schedule); element i tells whether advances[i] applied. On an error nothing applies.
  virtual Result<std::vector<bool>> AdvanceMany(const std::vector<ScheduleAdvance>& advances) = 0;

  // The schedule's fires, newest first.
  virtual Result<std::vector<ScheduleFireRecord>> ListFires(std::string_view schedule_id,
                                                            int limit) = 0;
};

}  // namespace batuta
