#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "scheduler/schedule_spec.h"

namespace batuta::scheduler {

// What to do with fire times that passed while nobody fired them (the server was down or
// busy). A fire time no older than `grace` is on time, never a misfire.
struct MisfirePolicy {
  enum class Kind {
    kSkip,     // drop missed fires; only an on-time fire (the latest, within grace) runs
    kRunOnce,  // one run for the whole missed period, scheduled_for = the latest missed time
    kCatchUp,  // one run per missed time within [now - window, now], the `max` most recent
  };
  static constexpr int kMaxCatchUp = 100;
  static constexpr std::chrono::seconds kMaxWindow{std::chrono::hours(24) * 31};
  static constexpr std::chrono::seconds kDefaultGrace{60};
  static constexpr std::chrono::seconds kMaxGrace{std::chrono::hours(24)};

  Kind kind = Kind::kSkip;
  int max = 1;                                 // kCatchUp only: 1..kMaxCatchUp
  std::chrono::seconds window{0};              // kCatchUp only: 0..kMaxWindow
  std::chrono::seconds grace = kDefaultGrace;  // 0..kMaxGrace
};

struct MisfireOutcome {
  // scheduled_for times to fire now, oldest first; each is a fire time in (last, now].
  std::vector<TimePoint> fire_now;
  // The first fire time strictly after max(now, last); nullopt beyond the search horizon.
  std::optional<TimePoint> next_fire;
};

// Decides which fire times in (last_scheduled, now] run now. Pure: `now` is passed in. The work
// is bounded whatever the gap between `last_scheduled` and `now`: the search looks back from
// `now` in growing steps and only ever walks the fires it needs.
MisfireOutcome ResolveMisfires(const ScheduleSpec& spec, TimePoint last_scheduled, TimePoint now,
                               const MisfirePolicy& policy);

// JSON shapes: {"policy": "skip"}, {"policy": "run_once"},
// {"policy": "catch_up", "max": 3, "window_seconds": 3600}; each may carry "grace_seconds"
// (default 60). Errors are Validation naming the member.
Result<MisfirePolicy> MisfirePolicyFromJson(const nlohmann::json& json);
nlohmann::json MisfirePolicyToJson(const MisfirePolicy& policy);

}  // namespace batuta::scheduler
