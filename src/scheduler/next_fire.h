#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "scheduler/schedule_spec.h"

namespace batuta::scheduler {

// How far ahead NextFireAfter looks before it gives up. Ten years so that February 29 is always
// found (the longest gap between two is 8 years, around 2100).
inline constexpr std::chrono::seconds kSearchHorizon{std::chrono::hours(24) * 3653};

// The first fire time strictly after `after`, under the DST rules of docs/scheduling.md, or
// nullopt when there is none within kSearchHorizon. Fire times are whole seconds. Pure: never
// reads a clock; callers pass the previous scheduled time, not "now". The work is bounded: the
// search jumps field by field over at most kSearchHorizon of days.
std::optional<TimePoint> NextFireAfter(const ScheduleSpec& spec, TimePoint after);

// Up to `count` successive fire times after `after` (fewer when the horizon runs out).
std::vector<TimePoint> NextFires(const ScheduleSpec& spec, TimePoint after, std::size_t count);

// Whether `t` is a fire time under the DST rules. Checks one instant directly (without the
// search), so it can verify NextFireAfter.
bool IsFireTime(const ScheduleSpec& spec, TimePoint t);

}  // namespace batuta::scheduler
