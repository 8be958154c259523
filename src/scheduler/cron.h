#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "date/date.h"

namespace batuta::scheduler {

// A parsed cron expression: 5 fields (minute hour day-of-month month day-of-week) or 6 fields
// (second first), or one of the macros @hourly @daily @midnight @weekly @monthly @yearly
// @annually. Syntax per field: `*`, a value, `a-b`, `*/n`, `a-b/n`, `a/n` (a to the field's
// maximum), and comma lists of those; month names JAN-DEC and day names SUN-SAT in any case;
// day-of-week 0-7 with 0 and 7 both Sunday.
//
// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted (their
// text does not start with `*`), a day matches if EITHER matches; otherwise both must match.
//
// A parsed expression can fire: expressions whose allowed days never occur in the allowed
// months (`0 0 30 2 *`) are rejected by Parse. Immutable; safe to share between threads.
class CronExpression {
 public:
  // Longest accepted expression and most comma-separated items per field: both bound the work
  // an untrusted expression can cause.
  static constexpr std::size_t kMaxLength = 256;
  static constexpr std::size_t kMaxListItems = 64;

  // Errors are Error::Validation("cron", ...) whose message names the field and the problem,
  // for example "hour: 25 is out of range 0-23".
  static Result<CronExpression> Parse(std::string_view text);

  // The expression as given, without surrounding blanks.
  const std::string& text() const { return text_; }
  bool has_seconds() const { return has_seconds_; }

  // True when the hour field is `*` or holds a step (`*/2`, `0-23/3`, `5/6`) in any list item.
  // Such schedules follow absolute time across DST changes (see docs/scheduling.md); all others
  // fire at fixed local times.
  bool hour_follows_absolute_time() const { return hour_absolute_; }

  // Day-of-month / day-of-week restricted in the Vixie sense (text not starting with `*`).
  bool day_of_month_restricted() const { return dom_restricted_; }
  bool day_of_week_restricted() const { return dow_restricted_; }

  // Allowed values per field. days_of_month uses bits 1-31, months bits 1-12, days_of_week bits
  // 0-6 (0 = Sunday). seconds is {0} for 5-field expressions.
  const std::bitset<60>& seconds() const { return seconds_; }
  const std::bitset<60>& minutes() const { return minutes_; }
  const std::bitset<24>& hours() const { return hours_; }
  const std::bitset<32>& days_of_month() const { return days_of_month_; }
  const std::bitset<13>& months() const { return months_; }
  const std::bitset<7>& days_of_week() const { return days_of_week_; }

  // Whether the calendar day is allowed (month and the Vixie day rule).
  bool MatchesDay(date::year_month_day day) const;
  // The first allowed time of day at or after `since_midnight` (in [0, 24h)), if any.
  std::optional<std::chrono::seconds> FirstTimeAtOrAfter(std::chrono::seconds since_midnight) const;
  // Whether the local wall-clock time matches every field.
  bool Matches(date::local_seconds local) const;

 private:
  CronExpression() = default;

  std::string text_;
  bool has_seconds_ = false;
  bool hour_absolute_ = false;
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;
  std::bitset<60> seconds_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;
  std::bitset<13> months_;
  std::bitset<7> days_of_week_;
};

}  // namespace batuta::scheduler
