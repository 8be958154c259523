#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "date/date.h"

namespace batuta::scheduler {

// A local wall-clock time of day, minute precision ("06:00", "12:30").
struct LocalTime {
  int hour = 0;
  int minute = 0;

  std::chrono::seconds since_midnight() const {
    return std::chrono::seconds(hour * 3600 + minute * 60);
  }
  // "HH:MM", zero-padded.
  std::string ToString() const;
  friend bool operator==(const LocalTime&, const LocalTime&) = default;
  friend bool operator<(const LocalTime& a, const LocalTime& b) {
    return a.since_midnight() < b.since_midnight();
  }
};

// "HH:MM" with 00 <= HH <= 23 and 00 <= MM <= 59, exactly five characters.
Result<LocalTime> ParseLocalTime(std::string_view text);

// A set of weekdays × a set of local times: "every weekday at 06:00 and 12:30". Always fires
// at fixed local times (never follows absolute time across DST; see docs/scheduling.md).
// Immutable; safe to share between threads.
class WeekdayTimeSet {
 public:
  static constexpr std::size_t kMaxTimes = 96;

  // `weekdays` holds date::weekday values; `times` any order. Errors:
  // Validation("weekdays", ...) when empty or duplicated, Validation("times", ...) when empty,
  // duplicated or more than kMaxTimes.
  static Result<WeekdayTimeSet> Create(const std::vector<date::weekday>& weekdays,
                                       const std::vector<LocalTime>& times);

  // Bit = date::weekday::c_encoding() (0 = Sunday).
  const std::bitset<7>& weekdays() const { return weekdays_; }
  // Sorted ascending, no duplicates, never empty.
  const std::vector<LocalTime>& times() const { return times_; }

  bool MatchesDay(date::year_month_day day) const;
  std::optional<std::chrono::seconds> FirstTimeAtOrAfter(std::chrono::seconds since_midnight) const;
  bool Matches(date::local_seconds local) const;

 private:
  WeekdayTimeSet() = default;

  std::bitset<7> weekdays_;
  std::vector<LocalTime> times_;
};

// "mon".."sun" (any case) ↔ date::weekday.
Result<date::weekday> ParseWeekdayName(std::string_view name);
std::string_view WeekdayName(date::weekday day);

}  // namespace batuta::scheduler
