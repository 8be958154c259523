#include "scheduler/cron.h"

#include <array>
#include <bit>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace batuta::scheduler {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;  // largest value accepted in the text (day-of-week accepts 7 for Sunday)
  // Upper-case three-letter names, index = value; empty when the field has no names.
  const std::array<const char*, 13>* names;
};

constexpr std::array<const char*, 13> kMonthNames = {
    "", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 13> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT",
                                                   "",    "",    "",    "",    "",    ""};
constexpr std::array<const char*, 13> kMonthFullNames = {
    "",     "January", "February",  "March",   "April",    "May",     "June",
    "July", "August",  "September", "October", "November", "December"};

constexpr FieldSpec kSecond{"second", 0, 59, nullptr};
constexpr FieldSpec kMinute{"minute", 0, 59, nullptr};
constexpr FieldSpec kHour{"hour", 0, 23, nullptr};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31, nullptr};
constexpr FieldSpec kMonth{"month", 1, 12, &kMonthNames};
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7, &kDayNames};

struct Macro {
  const char* name;
  const char* expansion;
};
constexpr std::array<Macro, 7> kMacros = {{{"@hourly", "0 * * * *"},
                                           {"@daily", "0 0 * * *"},
                                           {"@midnight", "0 0 * * *"},
                                           {"@weekly", "0 0 * * 0"},
                                           {"@monthly", "0 0 1 * *"},
                                           {"@yearly", "0 0 1 1 *"},
                                           {"@annually", "0 0 1 1 *"}}};

// Untrusted text quoted back in an error message: printable ASCII only (messages end up in JSON
// bodies, which must be valid UTF-8) and short.
std::string Quote(std::string_view text) {
  constexpr std::size_t kMaxQuoted = 32;
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxQuoted; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (text.size() > kMaxQuoted) out += "...";
  return out + "'";
}

Error FieldError(const FieldSpec& spec, const std::string& problem) {
  return Error::Validation("cron", std::string(spec.name) + ": " + problem);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Digits only; more than 4 digits is out of every field's range and would risk overflow.
std::optional<int> ParseNumber(std::string_view text) {
  if (!AllDigits(text) || text.size() > 4) return std::nullopt;
  int value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  return value;
}

Result<int> ParseValue(std::string_view text, const FieldSpec& spec) {
  if (text.empty()) return FieldError(spec, "a value is missing");
  if (AllDigits(text)) {
    const auto value = ParseNumber(text);
    if (!value || *value < spec.min || *value > spec.max) {
      return FieldError(spec, (text.size() > 4 ? Quote(text) : std::string(text)) +
                                  " is out of range " + std::to_string(spec.min) + "-" +
                                  std::to_string(spec.max));
    }
    return *value;
  }
  if (spec.names != nullptr) {
    for (std::size_t i = 0; i < spec.names->size(); ++i) {
      const std::string_view name = (*spec.names)[i];
      if (!name.empty() && EqualsIgnoreCase(text, name)) return static_cast<int>(i);
    }
    return FieldError(spec, Quote(text) + " is not a number or a " +
                                (spec.names == &kMonthNames ? "month" : "day") + " name");
  }
  return FieldError(spec, Quote(text) + " is not a number");
}

// Parses one field into `out` (bit v = value v allowed). `absolute` is set when an item is `*`
// or carries a step.
Status ParseField(std::string_view text, const FieldSpec& spec, std::bitset<64>& out,
                  bool& absolute) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (items.size() > CronExpression::kMaxListItems) {
      return FieldError(
          spec, "more than " + std::to_string(CronExpression::kMaxListItems) + " list items");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  for (const std::string_view item : items) {
    if (item.empty()) return FieldError(spec, "empty list item");
    const std::size_t slash = item.find('/');
    const std::string_view base = item.substr(0, slash);
    int low = 0;
    int high = 0;
    if (base == "*") {
      low = spec.min;
      high = spec.max == 7 ? 6 : spec.max;
      absolute = true;
    } else if (const std::size_t dash = base.find('-'); dash != std::string_view::npos) {
      auto first = ParseValue(base.substr(0, dash), spec);
      if (!first) return std::move(first).error();
      auto last = ParseValue(base.substr(dash + 1), spec);
      if (!last) return std::move(last).error();
      low = *first;
      high = *last;
      if (low > high) {
        return FieldError(
            spec, "range " + std::to_string(low) + "-" + std::to_string(high) + " is reversed");
      }
    } else {
      auto value = ParseValue(base, spec);
      if (!value) return std::move(value).error();
      low = *value;
      // `a/n` means from a to the field's maximum.
      high = slash == std::string_view::npos ? low : (spec.max == 7 ? 6 : spec.max);
      if (low > high) high = low;
    }
    int step = 1;
    if (slash != std::string_view::npos) {
      absolute = true;
      const std::string_view step_text = item.substr(slash + 1);
      const int span = spec.max - spec.min + 1;
      if (step_text.empty()) return FieldError(spec, "a step is missing after '/'");
      if (!AllDigits(step_text)) {
        return FieldError(spec, "step " + Quote(step_text) + " is not a number");
      }
      const auto parsed = ParseNumber(step_text);
      if (!parsed || *parsed < 1 || *parsed > span) {
        return FieldError(spec, "step " + (parsed ? std::to_string(*parsed) : Quote(step_text)) +
                                    " is out of range 1-" + std::to_string(span));
      }
      step = *parsed;
    }
    for (int v = low; v <= high; v += step) out.set(static_cast<std::size_t>(v));
  }
  return Ok();
}

template <std::size_t N>
std::bitset<N> Narrow(const std::bitset<64>& wide) {
  std::bitset<N> out;
  for (std::size_t i = 0; i < N; ++i) out[i] = wide[i];
  return out;
}

// Largest day number of a month, counting February 29 (leap years exist).
int MaxDayOfMonth(int month) {
  constexpr std::array<int, 13> kDays = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[static_cast<std::size_t>(month)];
}

// The lowest set bit at or above `from`, or -1. N <= 64, so one word holds the whole set.
template <std::size_t N>
int NextBit(const std::bitset<N>& bits, int from) {
  static_assert(N <= 64);
  if (from < 0 || from >= static_cast<int>(N)) return -1;
  const std::uint64_t rest = static_cast<std::uint64_t>(bits.to_ullong()) >> from;
  return rest == 0 ? -1 : from + std::countr_zero(rest);
}

}  // namespace

Result<CronExpression> CronExpression::Parse(std::string_view text) {
  if (text.size() > kMaxLength) {
    return Error::Validation(
        "cron", "expression is longer than " + std::to_string(kMaxLength) + " characters");
  }
  auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  if (text.empty()) return Error::Validation("cron", "expression is empty");

  CronExpression cron;
  cron.text_ = std::string(text);
  std::string_view fields_text = text;
  if (text.front() == '@') {
    const Macro* found = nullptr;
    for (const Macro& macro : kMacros) {
      if (EqualsIgnoreCase(text, macro.name)) found = &macro;
    }
    if (found == nullptr) {
      return Error::Validation("cron", "unknown macro " + Quote(text) +
                                           " (expected @hourly, @daily, @midnight, @weekly, "
                                           "@monthly, @yearly or @annually)");
    }
    fields_text = found->expansion;
  }

  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < fields_text.size()) {
    if (is_blank(fields_text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < fields_text.size() && !is_blank(fields_text[end])) ++end;
    fields.push_back(fields_text.substr(i, end - i));
    if (fields.size() > 6) break;
    i = end;
  }
  if (fields.size() != 5 && fields.size() != 6) {
    return Error::Validation(
        "cron", fields.size() > 6 ? std::string("expected 5 or 6 fields, got more than 6")
                                  : "expected 5 or 6 fields, got " + std::to_string(fields.size()));
  }
  cron.has_seconds_ = fields.size() == 6;
  const std::size_t offset = cron.has_seconds_ ? 1 : 0;

  std::bitset<64> seconds;
  std::bitset<64> minutes;
  std::bitset<64> hours;
  std::bitset<64> days_of_month;
  std::bitset<64> months;
  std::bitset<64> days_of_week;
  bool unused = false;
  if (cron.has_seconds_) {
    BATUTA_RETURN_IF_ERROR(ParseField(fields[0], kSecond, seconds, unused));
  } else {
    seconds.set(0);
  }
  BATUTA_RETURN_IF_ERROR(ParseField(fields[offset], kMinute, minutes, unused));
  BATUTA_RETURN_IF_ERROR(ParseField(fields[offset + 1], kHour, hours, cron.hour_absolute_));
  BATUTA_RETURN_IF_ERROR(ParseField(fields[offset + 2], kDayOfMonth, days_of_month, unused));
  BATUTA_RETURN_IF_ERROR(ParseField(fields[offset + 3], kMonth, months, unused));
  BATUTA_RETURN_IF_ERROR(ParseField(fields[offset + 4], kDayOfWeek, days_of_week, unused));
  if (days_of_week[7]) days_of_week.set(0);  // 7 is Sunday too

  cron.dom_restricted_ = fields[offset + 2].front() != '*';
  cron.dow_restricted_ = fields[offset + 4].front() != '*';
  cron.seconds_ = Narrow<60>(seconds);
  cron.minutes_ = Narrow<60>(minutes);
  cron.hours_ = Narrow<24>(hours);
  cron.days_of_month_ = Narrow<32>(days_of_month);
  cron.months_ = Narrow<13>(months);
  cron.days_of_week_ = Narrow<7>(days_of_week);

  // Under the AND rule the day-of-month set alone decides whether a date can ever match (every
  // date falls on every weekday over the years); under the OR rule the weekdays always can.
  if (!(cron.dom_restricted_ && cron.dow_restricted_)) {
    bool possible = false;
    for (int m = 1; m <= 12 && !possible; ++m) {
      if (!cron.months_[static_cast<std::size_t>(m)]) continue;
      possible = NextBit(cron.days_of_month_, 1) != -1 &&
                 NextBit(cron.days_of_month_, 1) <= MaxDayOfMonth(m);
    }
    if (!possible) {
      const int month = NextBit(cron.months_, 1);
      const int day = NextBit(cron.days_of_month_, 1);
      return Error::Validation(
          "cron", "day-of-month: the expression never fires: " +
                      std::string(kMonthFullNames[static_cast<std::size_t>(month)]) +
                      " has no day " + std::to_string(day) +
                      (cron.months_.count() > 1 ? " (nor has any other allowed month)" : ""));
    }
  }
  return cron;
}

bool CronExpression::MatchesDay(date::year_month_day day) const {
  if (!months_[static_cast<unsigned>(day.month())]) return false;
  const bool dom = days_of_month_[static_cast<unsigned>(day.day())];
  const bool dow = days_of_week_[date::weekday(day).c_encoding()];
  return (dom_restricted_ && dow_restricted_) ? (dom || dow) : (dom && dow);
}

std::optional<std::chrono::seconds> CronExpression::FirstTimeAtOrAfter(
    std::chrono::seconds since_midnight) const {
  const auto total = static_cast<int>(since_midnight.count());
  const int hour0 = total / 3600;
  const int minute0 = total / 60 % 60;
  const int second0 = total % 60;
  for (int h = NextBit(hours_, hour0); h != -1; h = NextBit(hours_, h + 1)) {
    const int minute_from = h == hour0 ? minute0 : 0;
    for (int m = NextBit(minutes_, minute_from); m != -1; m = NextBit(minutes_, m + 1)) {
      const int second_from = (h == hour0 && m == minute0) ? second0 : 0;
      const int s = NextBit(seconds_, second_from);
      if (s != -1) return std::chrono::seconds(h * 3600 + m * 60 + s);
    }
  }
  return std::nullopt;
}

bool CronExpression::Matches(date::local_seconds local) const {
  const auto day = date::floor<date::days>(local);
  const auto since_midnight = static_cast<std::size_t>((local - day).count());
  // The time fields first: they are cheap and reject most instants.
  return seconds_[since_midnight % 60] && minutes_[since_midnight / 60 % 60] &&
         hours_[since_midnight / 3600] && MatchesDay(date::year_month_day(day));
}

}  // namespace batuta::scheduler
