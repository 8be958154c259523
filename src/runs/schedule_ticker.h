#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "core/clock.h"
#include "core/id.h"
#include "runs/engine.h"
#include "store/store.h"

namespace batuta::runs {

// Fires due schedules: for each enabled schedule of an enabled job whose next_fire_at has
// come, decides the fires with its misfire policy (scheduler/misfire.h), queues their runs
// and moves next_fire_at on from the scheduled time, never from now, in one store
// transaction. A fire is a row UNIQUE(schedule_id, scheduled_for) and the move is a
// compare-and-set, so several tickers (processes) on one store never fire a time twice.
//
// Tick() does one pass at clock.Now(); Start() ticks on a background thread at each next
// fire time (and at least every poll_interval, for schedules changed by another process).
// Thread-safe; references must outlive the ticker.
class ScheduleTicker {
 public:
  ScheduleTicker(Store& store, Engine& engine, const Clock& clock,
                 std::chrono::milliseconds poll_interval = std::chrono::seconds(1))
      : store_(store), engine_(engine), clock_(clock), ids_(clock), poll_interval_(poll_interval) {}
  ~ScheduleTicker();
  ScheduleTicker(const ScheduleTicker&) = delete;
  ScheduleTicker& operator=(const ScheduleTicker&) = delete;

  void Start();
  void Stop();
  // A schedule or job changed: recompute the next wake-up now.
  void Wake();

  // Fires what is due now; returns the number of runs queued.
  int Tick();

 private:
  void Loop();
  // The advance of one due schedule: its fires (with their runs) and its next fire time;
  // nullopt when it cannot be planned now (store trouble) and should be tried again.
  std::optional<ScheduleAdvance> Plan(const ScheduleRecord& schedule, TimePoint now);

  Store& store_;
  Engine& engine_;
  const Clock& clock_;
  IdGenerator ids_;
  const std::chrono::milliseconds poll_interval_;

  std::mutex tick_mutex_;  // one Tick at a time
  std::mutex mutex_;
  std::condition_variable changed_;
  bool wake_ = false;      // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::thread loop_;
};

}  // namespace batuta::runs
