#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"
#include "date/tz.h"
#include "scheduler/cron.h"
#include "scheduler/time_set.h"

namespace batuta::scheduler {

// When a schedule fires: a cron expression or a weekday × time set, read in an IANA time zone.
// Immutable; safe to share between threads (the zone points into the process-wide tz database,
// which lives until exit).
class ScheduleSpec {
 public:
  using Pattern = std::variant<CronExpression, WeekdayTimeSet>;

  // Unknown or malformed zone names are Validation("timezone", ...); cron errors are
  // Validation("cron", ...) (see CronExpression::Parse).
  static Result<ScheduleSpec> FromCron(std::string_view expression, std::string_view timezone);
  static Result<ScheduleSpec> FromTimeSet(WeekdayTimeSet set, std::string_view timezone);

  const Pattern& pattern() const { return pattern_; }
  // The IANA name as given ("America/Sao_Paulo").
  const std::string& timezone() const { return timezone_; }
  const date::time_zone& zone() const { return *zone_; }

  // True when the schedule follows absolute time across DST changes (cron hour field `*` or a
  // step); false when it fires at fixed local times. The rules are in docs/scheduling.md.
  bool follows_absolute_time() const;

  bool MatchesDay(date::year_month_day day) const;
  std::optional<std::chrono::seconds> FirstTimeAtOrAfter(std::chrono::seconds since_midnight) const;
  // Whether a local wall-clock time matches the pattern (ignores the DST rules).
  bool Matches(date::local_seconds local) const;

 private:
  ScheduleSpec(Pattern pattern, std::string timezone, const date::time_zone* zone)
      : pattern_(std::move(pattern)), timezone_(std::move(timezone)), zone_(zone) {}

  Pattern pattern_;
  std::string timezone_;
  const date::time_zone* zone_;
};

// Looks an IANA zone name up in the OS tz database. Validation("timezone", ...) when unknown.
Result<const date::time_zone*> LocateZone(std::string_view name);

// JSON shapes (unknown members are rejected, errors name the member):
//   {"cron": "0 6 * * 1-5", "timezone": "America/Sao_Paulo"}
//   {"weekdays": ["mon", "tue"], "times": ["06:00", "12:30"], "timezone": "America/Sao_Paulo"}
Result<ScheduleSpec> ScheduleSpecFromJson(const nlohmann::json& json);
nlohmann::json ScheduleSpecToJson(const ScheduleSpec& spec);

}  // namespace batuta::scheduler
