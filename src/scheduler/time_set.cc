#include "scheduler/time_set.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace batuta::scheduler {
namespace {

// Index = date::weekday::c_encoding().
constexpr std::array<std::string_view, 7> kWeekdayNames = {"sun", "mon", "tue", "wed",
                                                           "thu", "fri", "sat"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string LocalTime::ToString() const {
  std::string out = "00:00";
  out[0] = static_cast<char>('0' + hour / 10);
  out[1] = static_cast<char>('0' + hour % 10);
  out[3] = static_cast<char>('0' + minute / 10);
  out[4] = static_cast<char>('0' + minute % 10);
  return out;
}

Result<LocalTime> ParseLocalTime(std::string_view text) {
  if (text.size() != 5 || text[2] != ':' || !IsDigit(text[0]) || !IsDigit(text[1]) ||
      !IsDigit(text[3]) || !IsDigit(text[4])) {
    return Error::Validation("times", "a time must look like HH:MM (24-hour clock)");
  }
  LocalTime time{(text[0] - '0') * 10 + (text[1] - '0'), (text[3] - '0') * 10 + (text[4] - '0')};
  if (time.hour > 23)
    return Error::Validation("times", "hour of " + std::string(text) + " is above 23");
  if (time.minute > 59) {
    return Error::Validation("times", "minute of " + std::string(text) + " is above 59");
  }
  return time;
}

Result<date::weekday> ParseWeekdayName(std::string_view name) {
  if (name.size() == 3) {
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (unsigned i = 0; i < kWeekdayNames.size(); ++i) {
      if (lower == kWeekdayNames[i]) return date::weekday(i);
    }
  }
  return Error::Validation("weekdays",
                           "a weekday must be one of mon, tue, wed, thu, fri, sat, sun");
}

std::string_view WeekdayName(date::weekday day) { return kWeekdayNames[day.c_encoding()]; }

Result<WeekdayTimeSet> WeekdayTimeSet::Create(const std::vector<date::weekday>& weekdays,
                                              const std::vector<LocalTime>& times) {
  WeekdayTimeSet set;
  if (weekdays.empty()) return Error::Validation("weekdays", "at least one weekday is required");
  for (const date::weekday day : weekdays) {
    if (!day.ok()) return Error::Validation("weekdays", "not a weekday");
    if (set.weekdays_[day.c_encoding()]) {
      return Error::Validation("weekdays", std::string(WeekdayName(day)) + " appears twice");
    }
    set.weekdays_.set(day.c_encoding());
  }
  if (times.empty()) return Error::Validation("times", "at least one time is required");
  if (times.size() > kMaxTimes) {
    return Error::Validation("times", "more than " + std::to_string(kMaxTimes) + " times");
  }
  set.times_ = times;
  std::sort(set.times_.begin(), set.times_.end());
  for (std::size_t i = 0; i < set.times_.size(); ++i) {
    const LocalTime& t = set.times_[i];
    if (t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59) {
      return Error::Validation("times", "a time is out of range 00:00-23:59");
    }
    if (i > 0 && set.times_[i - 1] == t) {
      return Error::Validation("times", t.ToString() + " appears twice");
    }
  }
  return set;
}

bool WeekdayTimeSet::MatchesDay(date::year_month_day day) const {
  return weekdays_[date::weekday(day).c_encoding()];
}

std::optional<std::chrono::seconds> WeekdayTimeSet::FirstTimeAtOrAfter(
    std::chrono::seconds since_midnight) const {
  for (const LocalTime& t : times_) {
    if (t.since_midnight() >= since_midnight) return t.since_midnight();
  }
  return std::nullopt;
}

bool WeekdayTimeSet::Matches(date::local_seconds local) const {
  const auto day = date::floor<date::days>(local);
  const auto since_midnight = local - day;
  return std::any_of(times_.begin(), times_.end(),
                     [&](const LocalTime& t) { return t.since_midnight() == since_midnight; }) &&
         weekdays_[date::weekday(day).c_encoding()];
}

}  // namespace batuta::scheduler
