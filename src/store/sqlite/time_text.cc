#include "store/sqlite/time_text.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>

namespace batuta::sqlite {
namespace {

// Parses text[pos, pos + width) as a non-negative decimal number; -1 when it is not one.
int ParseDigits(std::string_view text, std::size_t pos, std::size_t width) {
  int value = 0;
  const char* first = text.data() + pos;
  const char* last = first + width;
  for (const char* p = first; p < last; ++p) {
    if (*p < '0' || *p > '9') return -1;
  }
  const auto [ptr, ec] = std::from_chars(first, last, value);
  return ec == std::errc() && ptr == last ? value : -1;
}

}  // namespace

TimePoint TruncateToMillis(TimePoint t) { return std::chrono::floor<std::chrono::milliseconds>(t); }

std::string TimeToText(TimePoint t) { return FormatRfc3339(TruncateToMillis(t)); }

Result<TimePoint> TimeFromText(std::string_view text) {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar types
  const auto bad = [&] {
    return Error::Internal(fmt::format(
        "stored time '{}' is not RFC 3339 UTC with milliseconds (YYYY-MM-DDTHH:MM:SS.mmmZ)",
        text.substr(0, 40)));
  };
  // 0123456789012345678901234
  // 2026-11-23T14:05:09.123Z
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
    return bad();
  }
  const int y = ParseDigits(text, 0, 4);
  const int mo = ParseDigits(text, 5, 2);
  const int d = ParseDigits(text, 8, 2);
  const int h = ParseDigits(text, 11, 2);
  const int mi = ParseDigits(text, 14, 2);
  const int s = ParseDigits(text, 17, 2);
  const int ms = ParseDigits(text, 20, 3);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 ||
      ms < 0) {
    return bad();
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok()) return bad();
  const TimePoint parsed = sys_days{date} + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
  return parsed;
}

}  // namespace batuta::sqlite
