#include "sources/postgres_binary.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>

namespace batuta::sources {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// PostgreSQL counts dates from 2000-01-01, 10,957 days after 1970-01-01.
constexpr std::int64_t kPostgresEpochDays = 10'957;

std::uint64_t ReadBigEndian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (const char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

template <typename Signed>
Signed ReadSigned(std::string_view bytes) {
  using Unsigned = std::make_unsigned_t<Signed>;
  return static_cast<Signed>(static_cast<Unsigned>(ReadBigEndian(bytes)));
}

// The renderers write through a cursor into room the caller made (MaxRenderedSize): values
// are a few bytes each, and appending them piecewise to a std::string was a third of an
// export's time.
char* PutInteger(std::int64_t value, char* out) { return std::to_chars(out, out + 20, value).ptr; }

// Exactly `width` decimal digits of `value`, which must fit.
template <int width>
char* PutDigits(std::uint64_t value, char* out) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

char* PutText(std::string_view text, char* out) {
  text.copy(out, text.size());
  return out + text.size();
}

struct CivilDate {
  std::int64_t year;  // astronomical: 0 is 1 BC
  int month;
  int day;
};

// The proleptic Gregorian date `days` after 1970-01-01 (negative: before it), by counting
// 400-year eras of 146,097 days from 0000-03-01 so that leap days fall at the end of a year.
CivilDate CivilFromDays(std::int64_t days) {
  const std::int64_t shifted = days + 719'468;  // days since 0000-03-01
  const std::int64_t era = (shifted >= 0 ? shifted : shifted - 146'096) / 146'097;
  const std::int64_t day_of_era = shifted - era * 146'097;  // [0, 146096]
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1'460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // from March 1
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;           // [0, 11]
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// PostgreSQL's ISO date: the year in at least 4 digits, counted from 1 BC backwards before
// year 1 (the caller appends " BC", which `before_christ` reports). Uses and refreshes `memo`
// when there is one.
char* PutDate(std::int64_t days_since_2000, char* out, bool& before_christ, DateMemo* memo) {
  if (memo != nullptr && memo->days == days_since_2000) {
    before_christ = memo->before_christ;
    return PutText({memo->text, memo->size}, out);
  }
  char* const start = out;
  const CivilDate date = CivilFromDays(days_since_2000 + kPostgresEpochDays);
  before_christ = date.year <= 0;
  const std::int64_t year = before_christ ? 1 - date.year : date.year;
  out = year <= 9'999 ? PutDigits<4>(static_cast<std::uint64_t>(year), out) : PutInteger(year, out);
  *out++ = '-';
  out = PutDigits<2>(static_cast<std::uint64_t>(date.month), out);
  *out++ = '-';
  out = PutDigits<2>(static_cast<std::uint64_t>(date.day), out);
  if (memo != nullptr) {
    memo->days = days_since_2000;
    memo->before_christ = before_christ;
    memo->size = static_cast<std::size_t>(out - start);
    std::memcpy(memo->text, start, memo->size);
  }
  return out;
}

// HH:MM:SS, then the microseconds without trailing zeros when there are any (as PostgreSQL's
// AppendSeconds prints them). 24:00:00 is a valid time.
char* PutTimeOfDay(std::uint64_t micros, char* out) {
  const std::uint64_t seconds = micros / kMicrosPerSecond;
  out = PutDigits<2>(seconds / 3'600, out);
  *out++ = ':';
  out = PutDigits<2>(seconds / 60 % 60, out);
  *out++ = ':';
  out = PutDigits<2>(seconds % 60, out);
  const std::uint64_t fraction = micros % kMicrosPerSecond;
  if (fraction == 0) return out;
  *out++ = '.';
  out = PutDigits<6>(fraction, out);
  while (out[-1] == '0') --out;
  return out;
}

char* RenderDate(std::string_view value, char* out, DateMemo* memo) {
  if (value.size() != 4) return nullptr;
  const auto days = ReadSigned<std::int32_t>(value);
  if (days == std::numeric_limits<std::int32_t>::min()) return PutText("-infinity", out);
  if (days == std::numeric_limits<std::int32_t>::max()) return PutText("infinity", out);
  bool before_christ = false;
  out = PutDate(days, out, before_christ, memo);
  return before_christ ? PutText(" BC", out) : out;
}

char* RenderTime(std::string_view value, char* out) {
  if (value.size() != 8) return nullptr;
  const auto micros = ReadSigned<std::int64_t>(value);
  if (micros < 0 || micros > kMicrosPerDay) return nullptr;
  return PutTimeOfDay(static_cast<std::uint64_t>(micros), out);
}

char* RenderTimestamp(std::string_view value, char* out, DateMemo* memo) {
  if (value.size() != 8) return nullptr;
  const auto micros = ReadSigned<std::int64_t>(value);
  if (micros == std::numeric_limits<std::int64_t>::min()) return PutText("-infinity", out);
  if (micros == std::numeric_limits<std::int64_t>::max()) return PutText("infinity", out);
  std::int64_t days = micros / kMicrosPerDay;
  std::int64_t time_of_day = micros % kMicrosPerDay;
  if (time_of_day < 0) {  // before 2000: the day starts earlier, the time counts up from it
    time_of_day += kMicrosPerDay;
    --days;
  }
  bool before_christ = false;
  out = PutDate(days, out, before_christ, memo);
  *out++ = ' ';
  out = PutTimeOfDay(static_cast<std::uint64_t>(time_of_day), out);
  return before_christ ? PutText(" BC", out) : out;
}

struct NumericHeader {
  int digit_count;
  int weight;  // of the first base-10000 digit
  std::uint16_t sign;
  int scale;  // decimals printed
};

// The header of numeric_send's layout, or nullopt when `value` is not one.
std::optional<NumericHeader> ReadNumericHeader(std::string_view value) {
  if (value.size() < 8) return std::nullopt;
  const NumericHeader header{ReadSigned<std::int16_t>(value.substr(0, 2)),
                             ReadSigned<std::int16_t>(value.substr(2, 2)),
                             static_cast<std::uint16_t>(ReadBigEndian(value.substr(4, 2))),
                             ReadSigned<std::int16_t>(value.substr(6, 2))};
  if (header.digit_count < 0 || header.scale < 0 ||
      value.size() != 8 + 2 * static_cast<std::size_t>(header.digit_count)) {
    return std::nullopt;
  }
  return header;
}

// Printed as numeric_out prints it: the integer part's base-10000 digits (the first without
// leading zeros, "0" when there is none), then exactly `scale` decimals.
char* RenderNumeric(std::string_view value, char* out) {
  const std::optional<NumericHeader> header = ReadNumericHeader(value);
  if (!header) return nullptr;
  switch (header->sign) {
    case 0x0000:  // positive
      break;
    case 0x4000:  // negative
      *out++ = '-';
      break;
    case 0xC000:
      return PutText("NaN", out);
    case 0xD000:
      return PutText("Infinity", out);
    case 0xF000:
      return PutText("-Infinity", out);
    default:
      return nullptr;
  }
  const int count = header->digit_count;
  for (int index = 0; index < count; ++index) {
    const auto digit = ReadSigned<std::int16_t>(value.substr(8 + 2 * index, 2));
    if (digit < 0 || digit > 9'999) return nullptr;
  }
  const auto digit = [&](int index) -> std::uint64_t {
    if (index < 0 || index >= count) return 0;
    return static_cast<std::uint64_t>(
        ReadSigned<std::int16_t>(value.substr(8 + 2 * static_cast<std::size_t>(index), 2)));
  };
  if (header->weight < 0) {
    *out++ = '0';
  } else {
    out = PutInteger(static_cast<std::int64_t>(digit(0)), out);
    for (int index = 1; index <= header->weight; ++index) out = PutDigits<4>(digit(index), out);
  }
  if (header->scale == 0) return out;
  *out++ = '.';
  char* const decimals_end = out + header->scale;
  for (int index = header->weight + 1; out < decimals_end; ++index) {
    out = PutDigits<4>(digit(index), out);
  }
  return decimals_end;
}

constexpr char kHexDigits[] = "0123456789abcdef";

char* PutHex(std::string_view bytes, char* out) {
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    *out++ = kHexDigits[byte >> 4];
    *out++ = kHexDigits[byte & 0x0F];
  }
  return out;
}

char* RenderUuid(std::string_view value, char* out) {
  if (value.size() != 16) return nullptr;
  out = PutHex(value.substr(0, 4), out);
  for (const std::size_t start : {4, 6, 8, 10}) {
    *out++ = '-';
    out = PutHex(value.substr(start, start == 10 ? 6 : 2), out);
  }
  return out;
}

}  // namespace

std::size_t MaxRenderedSize(BinaryFormat format, std::string_view value) {
  switch (format) {
    case BinaryFormat::kNumeric: {
      const std::optional<NumericHeader> header = ReadNumericHeader(value);
      if (!header) return 0;
      // sign, 4 digits per integer group, '.', the decimals and a last group's overshoot
      return 16 + 4 * static_cast<std::size_t>(std::max(header->weight + 1, 1)) +
             static_cast<std::size_t>(header->scale);
    }
    case BinaryFormat::kText:
    case BinaryFormat::kJsonb:
      return value.size();
    case BinaryFormat::kBytes:
      return 2 * value.size();
    default:
      return kMaxFixedRenderedSize;
  }
}

char* RenderBinaryInto(BinaryFormat format, std::string_view value, char* out, DateMemo* memo) {
  switch (format) {
    case BinaryFormat::kNone:
      return nullptr;
    case BinaryFormat::kBoolean:
      if (value.size() != 1) return nullptr;
      return PutText(value[0] != 0 ? "true" : "false", out);
    case BinaryFormat::kInt2:
      if (value.size() != 2) return nullptr;
      return PutInteger(ReadSigned<std::int16_t>(value), out);
    case BinaryFormat::kInt4:
      if (value.size() != 4) return nullptr;
      return PutInteger(ReadSigned<std::int32_t>(value), out);
    case BinaryFormat::kInt8:
      if (value.size() != 8) return nullptr;
      return PutInteger(ReadSigned<std::int64_t>(value), out);
    case BinaryFormat::kOid:
      if (value.size() != 4) return nullptr;
      return PutInteger(static_cast<std::int64_t>(ReadBigEndian(value)), out);
    case BinaryFormat::kText:
      return PutText(value, out);
    case BinaryFormat::kJsonb:
      if (value.empty() || value[0] != 1) return nullptr;
      return PutText(value.substr(1), out);
    case BinaryFormat::kNumeric:
      return RenderNumeric(value, out);
    case BinaryFormat::kDate:
      return RenderDate(value, out, memo);
    case BinaryFormat::kTime:
      return RenderTime(value, out);
    case BinaryFormat::kTimestamp:
      return RenderTimestamp(value, out, memo);
    case BinaryFormat::kBytes:
      return PutHex(value, out);
    case BinaryFormat::kUuid:
      return RenderUuid(value, out);
  }
  return nullptr;
}

bool RenderBinaryValue(BinaryFormat format, std::string_view value, std::string& out) {
  const std::size_t start = out.size();
  const std::size_t room = MaxRenderedSize(format, value);
  if (room == 0 && !value.empty()) return false;
  out.resize(start + room);
  char* const end = RenderBinaryInto(format, value, out.data() + start);
  out.resize(end == nullptr ? start : static_cast<std::size_t>(end - out.data()));
  return end != nullptr;
}

}  // namespace batuta::sources
