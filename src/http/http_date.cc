#include "http/http_date.h"

#include <fmt/format.h>

#include <array>
#include <ctime>

namespace batuta::http {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A left-to-right reader over the date text; every Read* returns false on a mismatch.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool Literal(std::string_view expected) {
    if (text_.substr(0, expected.size()) != expected) return false;
    text_.remove_prefix(expected.size());
    return true;
  }
  // Exactly `digits` decimal digits; a leading space stands for a zero when `space_pad`.
  bool Number(int digits, int* value, bool space_pad = false) {
    if (text_.size() < static_cast<std::size_t>(digits)) return false;
    int result = 0;
    for (int i = 0; i < digits; ++i) {
      const char c = text_[static_cast<std::size_t>(i)];
      if (c == ' ' && space_pad && i == 0) continue;
      if (c < '0' || c > '9') return false;
      result = result * 10 + (c - '0');
    }
    text_.remove_prefix(static_cast<std::size_t>(digits));
    *value = result;
    return true;
  }
  bool Month(int* month) {
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
      if (Literal(kMonths[i])) {
        *month = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  // Letters of a weekday name, unchecked.
  bool Word() {
    std::size_t n = 0;
    while (n < text_.size() &&
           ((text_[n] >= 'A' && text_[n] <= 'Z') || (text_[n] >= 'a' && text_[n] <= 'z'))) {
      ++n;
    }
    text_.remove_prefix(n);
    return n >= 3;
  }
  bool Time(std::tm* tm) {
    return Number(2, &tm->tm_hour) && Literal(":") && Number(2, &tm->tm_min) && Literal(":") &&
           Number(2, &tm->tm_sec);
  }
  bool AtEnd() const { return text_.empty(); }

 private:
  std::string_view text_;
};

std::optional<std::chrono::system_clock::time_point> ToTimePoint(std::tm tm) {
  if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 ||
      tm.tm_year < 0) {
    return std::nullopt;
  }
  const std::time_t seconds = timegm(&tm);
  return std::chrono::system_clock::from_time_t(seconds);
}

}  // namespace

std::string FormatHttpDate(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                     kWeekdays[static_cast<std::size_t>(tm.tm_wday)], tm.tm_mday,
                     kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view text) {
  std::tm tm{};
  int year = 0;
  {  // IMF-fixdate
    Cursor c(text);
    if (c.Word() && c.Literal(", ") && c.Number(2, &tm.tm_mday) && c.Literal(" ") &&
        c.Month(&tm.tm_mon) && c.Literal(" ") && c.Number(4, &year) && c.Literal(" ") &&
        c.Time(&tm) && c.Literal(" GMT") && c.AtEnd()) {
      tm.tm_year = year - 1900;
      return ToTimePoint(tm);
    }
  }
  {  // RFC 850
    Cursor c(text);
    if (c.Word() && c.Literal(", ") && c.Number(2, &tm.tm_mday) && c.Literal("-") &&
        c.Month(&tm.tm_mon) && c.Literal("-") && c.Number(2, &year) && c.Literal(" ") &&
        c.Time(&tm) && c.Literal(" GMT") && c.AtEnd()) {
      // RFC 9110: a two-digit year that appears to be more than 50 years in the future
      // is the most recent past year with those digits.
      const std::time_t now = std::time(nullptr);
      std::tm today{};
      gmtime_r(&now, &today);
      const int this_year = today.tm_year + 1900;
      int full = this_year - this_year % 100 + year;
      if (full > this_year + 50) full -= 100;
      tm.tm_year = full - 1900;
      return ToTimePoint(tm);
    }
  }
  {  // asctime
    Cursor c(text);
    if (c.Word() && c.Literal(" ") && c.Month(&tm.tm_mon) && c.Literal(" ") &&
        c.Number(2, &tm.tm_mday, /*space_pad=*/true) && c.Literal(" ") && c.Time(&tm) &&
        c.Literal(" ") && c.Number(4, &year) && c.AtEnd()) {
      tm.tm_year = year - 1900;
      return ToTimePoint(tm);
    }
  }
  return std::nullopt;
}

}  // namespace batuta::http
