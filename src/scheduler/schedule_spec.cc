#include "scheduler/schedule_spec.h"

#include <exception>
#include <vector>

namespace batuta::scheduler {
namespace {

constexpr std::size_t kMaxZoneNameLength = 64;

bool IsZoneNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
         c == '_' || c == '-' || c == '+';
}

}  // namespace

Result<const date::time_zone*> LocateZone(std::string_view name) {
  if (name.empty()) return Error::Validation("timezone", "a time zone is required");
  bool plausible = name.size() <= kMaxZoneNameLength && name.front() != '/';
  for (const char c : name) plausible = plausible && IsZoneNameChar(c);
  if (!plausible || name.find("..") != std::string_view::npos) {
    return Error::Validation("timezone", "not an IANA time zone name (like America/Sao_Paulo)");
  }
  // date::locate_zone reports an unknown name with an exception; it stays inside this function.
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return Error::Validation("timezone", "unknown time zone '" + std::string(name) + "'");
  }
}

Result<ScheduleSpec> ScheduleSpec::FromCron(std::string_view expression,
                                            std::string_view timezone) {
  auto cron = CronExpression::Parse(expression);
  if (!cron) return std::move(cron).error();
  auto zone = LocateZone(timezone);
  if (!zone) return std::move(zone).error();
  return ScheduleSpec(std::move(cron).value(), std::string(timezone), *zone);
}

Result<ScheduleSpec> ScheduleSpec::FromTimeSet(WeekdayTimeSet set, std::string_view timezone) {
  auto zone = LocateZone(timezone);
  if (!zone) return std::move(zone).error();
  return ScheduleSpec(std::move(set), std::string(timezone), *zone);
}

bool ScheduleSpec::follows_absolute_time() const {
  const auto* cron = std::get_if<CronExpression>(&pattern_);
  return cron != nullptr && cron->hour_follows_absolute_time();
}

bool ScheduleSpec::MatchesDay(date::year_month_day day) const {
  return std::visit([&](const auto& p) { return p.MatchesDay(day); }, pattern_);
}

std::optional<std::chrono::seconds> ScheduleSpec::FirstTimeAtOrAfter(
    std::chrono::seconds since_midnight) const {
  return std::visit([&](const auto& p) { return p.FirstTimeAtOrAfter(since_midnight); }, pattern_);
}

bool ScheduleSpec::Matches(date::local_seconds local) const {
  return std::visit([&](const auto& p) { return p.Matches(local); }, pattern_);
}

Result<ScheduleSpec> ScheduleSpecFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Error::Validation("schedule", "a schedule must be a JSON object");
  for (const auto& [key, value] : json.items()) {
    if (key != "cron" && key != "weekdays" && key != "times" && key != "timezone") {
      return Error::Validation(key, "unknown member of a schedule");
    }
  }
  const auto zone_it = json.find("timezone");
  if (zone_it == json.end()) return Error::Validation("timezone", "a time zone is required");
  if (!zone_it->is_string()) return Error::Validation("timezone", "must be a string");
  const std::string& timezone = zone_it->get_ref<const std::string&>();

  const bool has_cron = json.contains("cron");
  const bool has_set = json.contains("weekdays") || json.contains("times");
  if (has_cron == has_set) {
    return Error::Validation("cron", "give either \"cron\" or \"weekdays\" with \"times\"");
  }
  if (has_cron) {
    const auto& cron = json.at("cron");
    if (!cron.is_string()) return Error::Validation("cron", "must be a string");
    return ScheduleSpec::FromCron(cron.get_ref<const std::string&>(), timezone);
  }

  const auto weekdays_it = json.find("weekdays");
  if (weekdays_it == json.end() || !weekdays_it->is_array()) {
    return Error::Validation("weekdays", "must be an array of weekday names");
  }
  const auto times_it = json.find("times");
  if (times_it == json.end() || !times_it->is_array()) {
    return Error::Validation("times", "must be an array of \"HH:MM\" strings");
  }
  if (weekdays_it->size() > 7) return Error::Validation("weekdays", "more than 7 weekdays");
  if (times_it->size() > WeekdayTimeSet::kMaxTimes) {
    return Error::Validation("times",
                             "more than " + std::to_string(WeekdayTimeSet::kMaxTimes) + " times");
  }
  std::vector<date::weekday> weekdays;
  for (const auto& day : *weekdays_it) {
    if (!day.is_string()) return Error::Validation("weekdays", "must be an array of weekday names");
    auto parsed = ParseWeekdayName(day.get_ref<const std::string&>());
    if (!parsed) return std::move(parsed).error();
    weekdays.push_back(*parsed);
  }
  std::vector<LocalTime> times;
  for (const auto& time : *times_it) {
    if (!time.is_string())
      return Error::Validation("times", "must be an array of \"HH:MM\" strings");
    auto parsed = ParseLocalTime(time.get_ref<const std::string&>());
    if (!parsed) return std::move(parsed).error();
    times.push_back(*parsed);
  }
  auto set = WeekdayTimeSet::Create(weekdays, times);
  if (!set) return std::move(set).error();
  return ScheduleSpec::FromTimeSet(std::move(set).value(), timezone);
}

nlohmann::json ScheduleSpecToJson(const ScheduleSpec& spec) {
  nlohmann::json json = nlohmann::json::object();
  if (const auto* cron = std::get_if<CronExpression>(&spec.pattern())) {
    json["cron"] = cron->text();
  } else {
    const auto& set = std::get<WeekdayTimeSet>(spec.pattern());
    nlohmann::json weekdays = nlohmann::json::array();
    for (unsigned i = 1; i <= 7; ++i) {  // Monday first, Sunday last
      const date::weekday day(i % 7);
      if (set.weekdays()[day.c_encoding()]) weekdays.push_back(WeekdayName(day));
    }
    nlohmann::json times = nlohmann::json::array();
    for (const LocalTime& t : set.times()) times.push_back(t.ToString());
    json["weekdays"] = std::move(weekdays);
    json["times"] = std::move(times);
  }
  json["timezone"] = spec.timezone();
  return json;
}

}  // namespace batuta::scheduler
