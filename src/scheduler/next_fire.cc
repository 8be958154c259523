#include "scheduler/next_fire.h"

#include <algorithm>

namespace batuta::scheduler {
namespace {

using date::local_seconds;
using date::sys_seconds;
using std::chrono::seconds;

// Before this, zone data is only Local Mean Time; periods that start earlier have no
// predecessor worth asking about (and asking near sys_seconds::min would overflow).
constexpr sys_seconds kEarliestTransition{seconds(-5'000'000'000)};

seconds OffsetBefore(const date::time_zone& zone, const date::sys_info& info) {
  if (info.begin < kEarliestTransition) return info.offset;
  return zone.get_info(info.begin - seconds(1)).offset;
}

// The first local time in [from, to) that the spec matches, jumping a day at a time and within
// a day straight to the next allowed time. At most (to - from) in days + 1 iterations.
std::optional<local_seconds> FirstMatchIn(const ScheduleSpec& spec, local_seconds from,
                                          local_seconds to) {
  auto day = date::floor<date::days>(from);
  seconds since_midnight = from - day;
  while (day < to) {
    if (spec.MatchesDay(date::year_month_day(day))) {
      if (const auto time = spec.FirstTimeAtOrAfter(since_midnight)) {
        const local_seconds candidate = day + *time;
        if (candidate >= to) return std::nullopt;
        return candidate;
      }
    }
    day += date::days(1);
    since_midnight = seconds(0);
  }
  return std::nullopt;
}

// The search walks the zone's periods of constant UTC offset (date::sys_info) from the one
// holding `after`. In each period the local times [begin + offset, end + offset) occur exactly
// once per period, so a local match L converts back to the instant L - offset. For fixed-time
// schedules two extra rules apply: local times repeated at the start of a period (after a
// fall-back) were already served by the previous period and are skipped; local times skipped
// at the end of a period (a spring-forward gap) fire at the instant the gap ends, once.
std::optional<sys_seconds> NextFireSeconds(const ScheduleSpec& spec, sys_seconds first) {
  const date::time_zone& zone = spec.zone();
  const bool fixed = !spec.follows_absolute_time();
  const sys_seconds horizon = first + kSearchHorizon;
  date::sys_info info = zone.get_info(first);
  seconds previous_offset = OffsetBefore(zone, info);
  // A gap that ends exactly at `first` fires at `first`: the previous period is not visited.
  if (fixed && info.begin == first && previous_offset < info.offset) {
    const local_seconds gap_begin{(info.begin + previous_offset).time_since_epoch()};
    const local_seconds gap_end{(info.begin + info.offset).time_since_epoch()};
    if (FirstMatchIn(spec, gap_begin, gap_end)) return first;
  }
  bool first_period = true;
  while (info.begin < horizon) {
    const seconds offset = info.offset;
    local_seconds low{(info.begin + offset).time_since_epoch()};
    if (fixed && previous_offset > offset) low += previous_offset - offset;
    if (first_period) low = std::max(low, local_seconds{(first + offset).time_since_epoch()});
    const sys_seconds end = std::min(info.end, horizon);
    const local_seconds high{(end + offset).time_since_epoch()};
    if (low < high) {
      if (const auto match = FirstMatchIn(spec, low, high)) {
        return sys_seconds{(*match - offset).time_since_epoch()};
      }
    }
    if (info.end >= horizon) break;
    const date::sys_info next = zone.get_info(info.end);
    if (fixed && next.offset > offset) {
      const local_seconds gap_begin{(info.end + offset).time_since_epoch()};
      const local_seconds gap_end{(info.end + next.offset).time_since_epoch()};
      if (FirstMatchIn(spec, gap_begin, gap_end)) return info.end;
    }
    previous_offset = offset;
    info = next;
    first_period = false;
  }
  return std::nullopt;
}

}  // namespace

std::optional<TimePoint> NextFireAfter(const ScheduleSpec& spec, TimePoint after) {
  // Fire times are whole seconds: the first candidate is the next whole second after `after`.
  const sys_seconds first = date::floor<seconds>(after) + seconds(1);
  const auto fire = NextFireSeconds(spec, first);
  if (!fire) return std::nullopt;
  return TimePoint(*fire);
}

std::vector<TimePoint> NextFires(const ScheduleSpec& spec, TimePoint after, std::size_t count) {
  std::vector<TimePoint> fires;
  TimePoint cursor = after;
  while (fires.size() < count) {
    const auto next = NextFireAfter(spec, cursor);
    if (!next) break;
    fires.push_back(*next);
    cursor = *next;
  }
  return fires;
}

bool IsFireTime(const ScheduleSpec& spec, TimePoint t) {
  const sys_seconds instant = date::floor<seconds>(t);
  if (TimePoint(instant) != t) return false;
  const date::time_zone& zone = spec.zone();
  const date::sys_info info = zone.get_info(instant);
  const local_seconds local{(instant + info.offset).time_since_epoch()};
  if (spec.follows_absolute_time()) return spec.Matches(local);
  const seconds previous_offset = OffsetBefore(zone, info);
  // A repeated local time fires only at its first occurrence, in the previous period.
  const bool repeated = previous_offset > info.offset &&
                        local < local_seconds{(info.begin + previous_offset).time_since_epoch()};
  if (spec.Matches(local)) return !repeated;
  // The instant a gap ends also fires for every matching local time inside the gap.
  if (instant == info.begin && previous_offset < info.offset) {
    const local_seconds gap_begin{(info.begin + previous_offset).time_since_epoch()};
    for (local_seconds l = gap_begin; l < local; l += seconds(1)) {
      if (spec.Matches(l)) return true;
    }
  }
  return false;
}

}  // namespace batuta::scheduler
