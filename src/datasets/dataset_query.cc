#include "datasets/dataset_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>
#include <utility>

#include "datasets/csv_reader.h"
#include "datasets/temporal_format.h"

namespace batuta::datasets {
namespace {

using rows::ColumnType;

constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kSortBatch = 4096;  // rows fetched at a time for sorted output

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

std::uint64_t SaturatingAdd(std::uint64_t a, std::uint64_t b) {
  return a > kNoLimit - b ? kNoLimit : a + b;
}

// ---------------------------------------------------------------------------------------------
// UTF-8, JSON and CSV text

// Length of the well-formed UTF-8 sequence at `p` (Unicode table 3-7), 0 when ill-formed.
std::size_t Utf8Length(const unsigned char* p, std::size_t available) {
  const unsigned char b = p[0];
  auto cont = [&](std::size_t i, unsigned char low, unsigned char high) {
    return i < available && p[i] >= low && p[i] <= high;
  };
  if (b >= 0xC2 && b <= 0xDF) return cont(1, 0x80, 0xBF) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    const unsigned char low = b == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = b == 0xED ? 0x9F : 0xBF;
    return cont(1, low, high) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    const unsigned char low = b == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = b == 0xF4 ? 0x8F : 0xBF;
    return cont(1, low, high) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

constexpr std::array<bool, 256> MakeJsonPlain() {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}
constexpr std::array<bool, 256> kJsonPlain = MakeJsonPlain();

// Appends `text` as a JSON string: quotes and backslashes escaped, control characters as \n \r
// \t \b \f or \u00XX, and each byte that does not start a well-formed UTF-8 sequence as U+FFFD.
void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    std::size_t run = i;
    while (run < n && kJsonPlain[p[run]]) ++run;
    if (run > i) {
      out.append(text.data() + i, run - i);
      i = run;
      if (i == n) break;
    }
    const unsigned char c = p[i];
    if (c >= 0x80) {
      const std::size_t length = Utf8Length(p + i, n - i);
      if (length == 0) {
        out.append(kReplacement);
        ++i;
      } else {
        out.append(text.data() + i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default: {
        const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escape, sizeof(escape));
      }
    }
    ++i;
  }
  out.push_back('"');
}

// Appends `text` with every ill-formed UTF-8 byte replaced by U+FFFD.
void AppendUtf8(std::string& out, std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run = i;
    while (run < text.size() && p[run] < 0x80) ++run;
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    const std::size_t length = Utf8Length(p + i, text.size() - i);
    if (length == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(text.data() + i, length);
      i += length;
    }
  }
}

// Appends an RFC 4180 field: quoted when it holds the delimiter, a quote, CR or LF, starts or
// ends with a space or tab, or is empty (an unquoted empty field is NULL).
void AppendCsvField(std::string& out, std::string_view text, char delimiter) {
  bool quote = text.empty() || text.front() == ' ' || text.front() == '\t' || text.back() == ' ' ||
               text.back() == '\t';
  for (std::size_t i = 0; i < text.size() && !quote; ++i) {
    const char c = text[i];
    quote = c == delimiter || c == '"' || c == '\r' || c == '\n';
  }
  if (!quote) {
    AppendUtf8(out, text);
    return;
  }
  out.push_back('"');
  std::size_t from = 0;
  for (std::size_t at = text.find('"'); at != std::string_view::npos; at = text.find('"', from)) {
    AppendUtf8(out, text.substr(from, at + 1 - from));
    out.push_back('"');
    from = at + 1;
  }
  AppendUtf8(out, text.substr(from));
  out.push_back('"');
}

void AppendUnsigned(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, result.ptr);
}

// ---------------------------------------------------------------------------------------------
// Base64url and hashing

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                            static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kBase64Url[(v >> shift) & 63]);
  }
  const std::size_t left = bytes.size() - i;
  if (left > 0) {
    std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (left == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kBase64Url[(v >> 18) & 63]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
    if (left == 2) out.push_back(kBase64Url[(v >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const std::size_t value = kBase64Url.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

// FNV-1a with a seed, finished with the splitmix64 mixer. Not cryptographic: ETags and cursor
// fingerprints only need to tell apart the queries of one dataset version.
std::uint64_t Hash64(std::string_view text, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// ---------------------------------------------------------------------------------------------
// Values

// A decimal number, exactly: value = 0.digits x 10^exponent; digits has no leading or trailing
// zeros (empty for zero).
struct Decimal {
  enum class Kind { kFinite, kNan, kInfinity, kMinusInfinity };
  Kind kind = Kind::kFinite;
  bool negative = false;
  std::string digits;
  std::int64_t exponent = 0;
};

// [+-]? digits [sep digits] ([eE][+-]?digits)?, sep being '.' or `separator`, at least one
// digit; or NaN, Infinity, Inf (any case, with a sign).
bool ParseDecimal(std::string_view text, char separator, Decimal& out) {
  out.digits.clear();
  out.kind = Decimal::Kind::kFinite;
  out.exponent = 0;
  std::size_t i = 0;
  out.negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) out.negative = text[i++] == '-';
  const std::string_view rest = text.substr(i);
  if (EqualsIgnoreCase(rest, "nan")) {
    out.kind = Decimal::Kind::kNan;
    return true;
  }
  if (EqualsIgnoreCase(rest, "infinity") || EqualsIgnoreCase(rest, "inf")) {
    out.kind = out.negative ? Decimal::Kind::kMinusInfinity : Decimal::Kind::kInfinity;
    return true;
  }
  std::int64_t integer_digits = 0;
  bool any = false;
  bool leading = true;  // still skipping leading zeros
  std::int64_t leading_zeros_after_point = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i) {
    any = true;
    if (leading && text[i] == '0') continue;
    leading = false;
    out.digits.push_back(text[i]);
    ++integer_digits;
  }
  if (i < text.size() && (text[i] == '.' || text[i] == separator)) {
    ++i;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      any = true;
      if (leading && text[i] == '0') {
        ++leading_zeros_after_point;
        continue;
      }
      leading = false;
      out.digits.push_back(text[i]);
    }
  }
  if (!any) return false;
  std::int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative_exponent = text[i++] == '-';
    if (i == text.size()) return false;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      exponent = std::min<std::int64_t>(exponent * 10 + (text[i] - '0'), 1'000'000'000);
    }
    if (negative_exponent) exponent = -exponent;
  }
  if (i != text.size()) return false;
  while (!out.digits.empty() && out.digits.back() == '0') out.digits.pop_back();
  if (out.digits.empty()) {
    out.negative = false;
    return true;
  }
  out.exponent = integer_digits - leading_zeros_after_point + exponent;
  return true;
}

void AppendBigEndian32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

// A byte string whose memcmp order is the numeric order: -Infinity < negatives < 0 < positives
// < Infinity < NaN.
void AppendNumberKey(const Decimal& number, std::string& out) {
  switch (number.kind) {
    case Decimal::Kind::kMinusInfinity:
      out.push_back('\x01');
      return;
    case Decimal::Kind::kInfinity:
      out.push_back('\x05');
      return;
    case Decimal::Kind::kNan:
      out.push_back('\x06');
      return;
    case Decimal::Kind::kFinite:
      break;
  }
  if (number.digits.empty()) {
    out.push_back('\x03');
    return;
  }
  const auto biased = static_cast<std::uint32_t>(number.exponent + 0x80000000LL);
  if (!number.negative) {
    out.push_back('\x04');
    AppendBigEndian32(out, biased);
    out.append(number.digits);
    return;
  }
  out.push_back('\x02');
  AppendBigEndian32(out, ~biased);
  for (const char d : number.digits) out.push_back(static_cast<char>('9' - d + '0'));
  out.push_back('\x7F');  // after every digit: a longer magnitude sorts first
}

// Appends the JSON form of a number cell ("-0,50" -> -0.50, "007" -> 7); false, leaving `out`
// unchanged, when it is not a finite decimal number.
bool AppendJsonNumber(std::string_view text, char separator, std::string& out) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  const std::size_t integer_begin = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  std::string_view integer = text.substr(integer_begin, i - integer_begin);
  std::string_view fraction;
  if (i < text.size() && (text[i] == '.' || text[i] == separator)) {
    const std::size_t fraction_begin = ++i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    fraction = text.substr(fraction_begin, i - fraction_begin);
  }
  if (integer.empty() && fraction.empty()) return false;
  std::string_view exponent;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    const std::size_t exponent_begin = i++;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    const std::size_t digits_begin = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == digits_begin) return false;
    exponent = text.substr(exponent_begin, i - exponent_begin);
  }
  if (i != text.size()) return false;
  while (integer.size() > 1 && integer.front() == '0') integer.remove_prefix(1);
  if (negative) out.push_back('-');
  if (integer.empty()) {
    out.push_back('0');
  } else {
    out.append(integer);
  }
  if (!fraction.empty()) {
    out.push_back('.');
    out.append(fraction);
  }
  out.append(exponent);
  return true;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  if (EqualsIgnoreCase(text, "true") || EqualsIgnoreCase(text, "t") || text == "1") return true;
  if (EqualsIgnoreCase(text, "false") || EqualsIgnoreCase(text, "f") || text == "0") return false;
  return std::nullopt;
}

bool IsTemporal(ColumnType type) {
  return type == ColumnType::kDate || type == ColumnType::kTime || type == ColumnType::kTimestamp;
}
bool IsNumeric(ColumnType type) {
  return type == ColumnType::kInteger || type == ColumnType::kNumber;
}

// How one dataset's cells are read: its null text, decimal separator, formula guard and
// date/time formats. Built once per query.
class CellReader {
 public:
  explicit CellReader(const formats::CsvOptions& options)
      : options_(options),
        date_(options.date_format, ColumnType::kDate),
        time_(options.time_format, ColumnType::kTime),
        timestamp_(options.timestamp_format, ColumnType::kTimestamp),
        iso_date_("%Y-%m-%d", ColumnType::kDate),
        iso_time_("%H:%M:%S", ColumnType::kTime),
        iso_timestamp_("%Y-%m-%d %H:%M:%S", ColumnType::kTimestamp) {}

  // NULL is an unquoted field equal to null_text (the writer quotes a value equal to it).
  bool IsNull(const CsvField& field) const {
    return !field.quoted && field.text == options_.null_text;
  }

  // A text cell without the formula guard's ' (see formats::CsvOptions::formula_guard).
  std::string_view Unguarded(std::string_view text, ColumnType type) const {
    if (options_.formula_guard && type == ColumnType::kText && text.size() >= 2 &&
        text[0] == '\'') {
      const char c = text[1];
      if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
        return text.substr(1);
      }
    }
    return text;
  }

  // The canonical text of a date/time cell; the dataset's format first, then ISO forms.
  bool Temporal(std::string_view text, ColumnType type, std::string& out) const {
    switch (type) {
      case ColumnType::kDate:
        return date_.Parse(text, out) || iso_date_.Parse(text, out);
      case ColumnType::kTime:
        return time_.Parse(text, out) || iso_time_.Parse(text, out);
      case ColumnType::kTimestamp:
        return timestamp_.Parse(text, out) || iso_timestamp_.Parse(text, out);
      default:
        return false;
    }
  }

  // A filter value for a date/time column: ISO forms (a timestamp also with 'T', or a date
  // alone meaning midnight), then the dataset's format.
  bool TemporalValue(std::string_view text, ColumnType type, std::string& out) const {
    if (type == ColumnType::kTimestamp) {
      static const TemporalFormat kIsoT("%Y-%m-%dT%H:%M:%S", ColumnType::kTimestamp);
      if (iso_timestamp_.Parse(text, out) || kIsoT.Parse(text, out)) return true;
      if (iso_date_.Parse(text, out)) {
        out.append(" 00:00:00");
        return true;
      }
      return timestamp_.Parse(text, out);
    }
    return Temporal(text, type, out);
  }

  // Appends the comparable form of a non-null cell (or filter value) of `type` to `out`: memcmp
  // order is the type's order. false when the text is not a value of the type.
  bool AppendKey(std::string_view text, ColumnType type, bool filter_value, std::string& out) {
    switch (type) {
      case ColumnType::kInteger:
      case ColumnType::kNumber:
        if (!ParseDecimal(text, options_.decimal_separator, decimal_)) return false;
        AppendNumberKey(decimal_, out);
        return true;
      case ColumnType::kBoolean: {
        const auto value = ParseBoolean(text);
        if (!value) return false;
        out.push_back(*value ? '1' : '0');
        return true;
      }
      case ColumnType::kDate:
      case ColumnType::kTime:
      case ColumnType::kTimestamp: {
        const std::size_t begin = out.size();
        if (!(filter_value ? TemporalValue(text, type, out) : Temporal(text, type, out))) {
          return false;
        }
        // Equal instants compare equal: drop trailing zeros of the fraction (and a bare dot).
        if (type != ColumnType::kDate && out.size() - begin > 8 &&
            out.find('.', begin) != std::string::npos) {
          while (out.back() == '0') out.pop_back();
          if (out.back() == '.') out.pop_back();
        }
        return true;
      }
      case ColumnType::kText:
      case ColumnType::kBytes:
        out.append(text);
        return true;
    }
    return false;
  }

  // Appends the canonical text of a non-null cell as `types=typed` shows it (numbers with '.',
  // booleans true/false, ISO dates); the text itself when it is not a value of its type.
  void AppendCanonical(std::string_view text, ColumnType type, std::string& out) const {
    const std::size_t begin = out.size();
    bool done = false;
    if (IsNumeric(type)) {
      done = AppendJsonNumber(text, options_.decimal_separator, out);
    } else if (type == ColumnType::kBoolean) {
      if (const auto value = ParseBoolean(text)) {
        out.append(*value ? "true" : "false");
        done = true;
      }
    } else if (IsTemporal(type)) {
      done = Temporal(text, type, out);
    }
    if (!done) {
      out.resize(begin);
      out.append(Unguarded(text, type));
    }
  }

  const formats::CsvOptions& options() const { return options_; }

 private:
  const formats::CsvOptions& options_;
  TemporalFormat date_;
  TemporalFormat time_;
  TemporalFormat timestamp_;
  TemporalFormat iso_date_;
  TemporalFormat iso_time_;
  TemporalFormat iso_timestamp_;
  Decimal decimal_;
};

std::string_view OpName(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return "eq";
    case FilterOp::kNe:
      return "ne";
    case FilterOp::kLt:
      return "lt";
    case FilterOp::kLe:
      return "le";
    case FilterOp::kGt:
      return "gt";
    case FilterOp::kGe:
      return "ge";
    case FilterOp::kContains:
      return "contains";
    case FilterOp::kStartsWith:
      return "starts_with";
    case FilterOp::kIn:
      return "in";
    case FilterOp::kIsNull:
      return "is_null";
  }
  return "";
}

std::optional<FilterOp> ParseOp(std::string_view name) {
  for (const FilterOp op :
       {FilterOp::kEq, FilterOp::kNe, FilterOp::kLt, FilterOp::kLe, FilterOp::kGt, FilterOp::kGe,
        FilterOp::kContains, FilterOp::kStartsWith, FilterOp::kIn, FilterOp::kIsNull}) {
    if (OpName(op) == name) return op;
  }
  return std::nullopt;
}

std::string_view TypeNoun(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "an integer";
    case ColumnType::kNumber:
      return "a number";
    case ColumnType::kBoolean:
      return "a boolean (true or false)";
    case ColumnType::kDate:
      return "a date";
    case ColumnType::kTime:
      return "a time";
    case ColumnType::kTimestamp:
      return "a timestamp";
    default:
      return "a value";
  }
}

// ---------------------------------------------------------------------------------------------
// Query parameters

Error BadParameter(std::string_view field, std::string message) {
  return {ErrorCode::kInvalidArgument, std::move(message), {{"field", std::string(field)}}};
}

std::optional<std::uint64_t> ParseUnsigned(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  for (;;) {
    const std::size_t at = text.find(separator, from);
    parts.push_back(text.substr(from, at == std::string_view::npos ? at : at - from));
    if (at == std::string_view::npos) break;
    from = at + 1;
  }
  return parts;
}

std::optional<std::size_t> FindColumn(const DatasetInfo& dataset, std::string_view name) {
  for (std::size_t i = 0; i < dataset.columns.size(); ++i) {
    if (dataset.columns[i].name == name) return i;
  }
  return std::nullopt;
}

Result<Filter> ParseFilter(std::string_view text, const DatasetInfo& dataset, CellReader& cells) {
  // column:op:value, where the column name may itself hold ':' (the first split that names a
  // column and an operator wins) and the value may hold anything.
  Filter filter;
  bool found = false;
  std::string_view value;
  for (std::size_t colon = text.find(':'); colon != std::string_view::npos && !found;
       colon = text.find(':', colon + 1)) {
    const auto column = FindColumn(dataset, text.substr(0, colon));
    if (!column) continue;
    const std::size_t op_end = text.find(':', colon + 1);
    const auto op = ParseOp(
        text.substr(colon + 1, op_end == std::string_view::npos ? op_end : op_end - colon - 1));
    if (!op) continue;
    filter.column = *column;
    filter.op = *op;
    if (op_end == std::string_view::npos) {
      return BadParameter("filter", fmt::format("invalid filter '{}': the form is "
                                                "column:{}:value",
                                                text, OpName(*op)));
    }
    value = text.substr(op_end + 1);
    found = true;
  }
  if (!found) {
    const std::size_t colon = text.find(':');
    const std::string_view name = text.substr(0, colon);
    if (colon == std::string_view::npos) {
      return BadParameter("filter", fmt::format("invalid filter '{}': the form is "
                                                "column:op:value",
                                                text));
    }
    if (!FindColumn(dataset, name)) {
      return BadParameter("filter",
                          fmt::format("invalid filter '{}': unknown column '{}'", text, name));
    }
    return BadParameter("filter", fmt::format("invalid filter '{}': unknown operator (use eq, ne, "
                                              "lt, le, gt, ge, contains, starts_with, in, "
                                              "is_null)",
                                              text));
  }
  filter.text = std::string(value);
  const ColumnType type = dataset.columns[filter.column].type;
  switch (filter.op) {
    case FilterOp::kIsNull:
      if (value != "true" && value != "false") {
        return BadParameter("filter",
                            fmt::format("invalid filter '{}': is_null takes true or false", text));
      }
      filter.want_null = value == "true";
      return filter;
    case FilterOp::kContains:
    case FilterOp::kStartsWith:
      filter.values.emplace_back(value);
      return filter;
    default:
      break;
  }
  const std::vector<std::string_view> values =
      filter.op == FilterOp::kIn ? Split(value, '|') : std::vector<std::string_view>{value};
  for (const std::string_view one : values) {
    std::string key;
    if (!cells.AppendKey(one, type, /*filter_value=*/true, key)) {
      return BadParameter(
          "filter", fmt::format("invalid filter '{}': '{}' is not {}", text, one, TypeNoun(type)));
    }
    filter.values.push_back(std::move(key));
  }
  return filter;
}

std::string NormalisedFilters(const QuerySpec& spec) {
  std::vector<std::string> filters;
  filters.reserve(spec.filters.size());
  for (const Filter& filter : spec.filters) {
    filters.push_back(fmt::format("{}:{}:{}", filter.column, OpName(filter.op), filter.text));
  }
  std::sort(filters.begin(), filters.end());
  std::string out;
  for (const std::string& filter : filters) {
    out.append(filter);
    out.push_back('\n');
  }
  out.append("sort=");
  for (const SortKey& key : spec.sort) {
    out.append(fmt::format("{}{},", key.descending ? "-" : "", key.column));
  }
  return out;
}

std::string Fingerprint(const QuerySpec& spec) {
  return fmt::format("{:016x}", Hash64(NormalisedFilters(spec), 0x5eed));
}

std::string MakeCursor(std::uint64_t offset, const QuerySpec& spec, std::string_view version) {
  return Base64UrlEncode(fmt::format("c1:{}:{}:{}", offset, Fingerprint(spec), version));
}

Status ApplyCursor(std::string_view cursor, const DatasetInfo& dataset, QuerySpec& spec) {
  const auto bad = [&] {
    return BadParameter("cursor", "invalid cursor: use the next_cursor of a previous page as is");
  };
  const auto decoded = Base64UrlDecode(cursor);
  if (!decoded || decoded->rfind("c1:", 0) != 0) return bad();
  std::string_view rest = *decoded;
  rest.remove_prefix(3);
  const std::size_t offset_end = rest.find(':');
  if (offset_end == std::string_view::npos) return bad();
  const auto offset = ParseUnsigned(rest.substr(0, offset_end));
  const std::string_view after = rest.substr(offset_end + 1);
  if (!offset || after.size() < 17 || after[16] != ':') return bad();
  const std::string_view fingerprint = after.substr(0, 16);
  const std::string_view version = after.substr(17);
  if (version != dataset.version) {
    return Error{ErrorCode::kConflict,
                 fmt::format("the cursor belongs to version {} of dataset {}, which is no longer "
                             "the current one ({}): start again without a cursor",
                             version, dataset.name, dataset.version),
                 {{"field", "cursor"}}};
  }
  if (fingerprint != Fingerprint(spec)) {
    return BadParameter("cursor",
                        "the cursor was issued for other filters or another sort: repeat them "
                        "as they were, or start again without a cursor");
  }
  spec.offset = *offset;
  return Ok();
}

}  // namespace

std::string_view ContentTypeOf(OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson:
      return "application/json";
    case OutputFormat::kNdjson:
      return "application/x-ndjson";
    case OutputFormat::kCsv:
      return "text/csv; charset=utf-8";
  }
  return "application/octet-stream";
}

Result<QuerySpec> ParseQuerySpec(const std::multimap<std::string, std::string>& params,
                                 const DatasetInfo& dataset) {
  static constexpr std::array<std::string_view, 7> kSingle = {"limit", "offset", "cursor", "select",
                                                              "sort",  "types",  "format"};
  std::map<std::string_view, std::string_view> single;
  std::vector<std::string_view> filters;
  for (const auto& [name, value] : params) {
    if (name == "filter") {
      filters.emplace_back(value);
      continue;
    }
    if (std::find(kSingle.begin(), kSingle.end(), name) == kSingle.end()) {
      return BadParameter(name, fmt::format("unknown query parameter '{}' (use limit, offset, "
                                            "cursor, select, filter, sort, types, format)",
                                            name));
    }
    if (!single.emplace(name, value).second) {
      return BadParameter(name, fmt::format("query parameter '{}' given more than once", name));
    }
  }
  const auto get = [&single](std::string_view name) -> std::optional<std::string_view> {
    const auto it = single.find(name);
    if (it == single.end()) return std::nullopt;
    return it->second;
  };

  QuerySpec spec;
  if (const auto limit = get("limit")) {
    if (*limit == "all") {
      spec.limit.reset();
    } else {
      const auto value = ParseUnsigned(*limit);
      if (!value || *value > kMaxLimit) {
        return BadParameter("limit", fmt::format("invalid limit '{}': use a whole number from 0 "
                                                 "to {}, or all",
                                                 *limit, kMaxLimit));
      }
      spec.limit = *value;
    }
  }
  if (const auto offset = get("offset")) {
    const auto value = ParseUnsigned(*offset);
    if (!value || *value > (kNoLimit >> 1)) {
      return BadParameter("offset",
                          fmt::format("invalid offset '{}': use a whole number from 0", *offset));
    }
    spec.offset = *value;
  }
  if (const auto select = get("select")) {
    for (const std::string_view name : Split(*select, ',')) {
      const auto column = FindColumn(dataset, name);
      if (!column) {
        return BadParameter("select", fmt::format("invalid select: unknown column '{}'", name));
      }
      if (std::find(spec.select.begin(), spec.select.end(), *column) != spec.select.end()) {
        return BadParameter("select", fmt::format("invalid select: column '{}' given twice", name));
      }
      spec.select.push_back(*column);
    }
  } else {
    for (std::size_t i = 0; i < dataset.columns.size(); ++i) spec.select.push_back(i);
  }
  CellReader cells(dataset.options);
  for (const std::string_view text : filters) {
    auto filter = ParseFilter(text, dataset, cells);
    if (!filter.ok()) return std::move(filter).error();
    spec.filters.push_back(std::move(filter).value());
  }
  if (const auto sort = get("sort")) {
    for (std::string_view name : Split(*sort, ',')) {
      SortKey key;
      auto column = FindColumn(dataset, name);
      if (!column && !name.empty() && name[0] == '-') {
        key.descending = true;
        name.remove_prefix(1);
        column = FindColumn(dataset, name);
      }
      if (!column) {
        return BadParameter("sort", fmt::format("invalid sort: unknown column '{}'", name));
      }
      key.column = *column;
      spec.sort.push_back(key);
    }
  }
  if (const auto types = get("types")) {
    if (*types == "raw") {
      spec.types = ValueMode::kRaw;
    } else if (*types == "typed") {
      spec.types = ValueMode::kTyped;
    } else {
      return BadParameter("types", fmt::format("invalid types '{}': use raw or typed", *types));
    }
  }
  if (const auto format = get("format")) {
    if (*format == "json") {
      spec.format = OutputFormat::kJson;
    } else if (*format == "ndjson") {
      spec.format = OutputFormat::kNdjson;
    } else if (*format == "csv") {
      spec.format = OutputFormat::kCsv;
    } else {
      return BadParameter("format",
                          fmt::format("invalid format '{}': use json, ndjson or csv", *format));
    }
  }
  if (const auto cursor = get("cursor")) {
    if (get("offset")) {
      return BadParameter("cursor", "give either cursor or offset, not both");
    }
    BATUTA_RETURN_IF_ERROR(ApplyCursor(*cursor, dataset, spec));
  }
  return spec;
}

std::string QueryETag(std::string_view version, const QuerySpec& spec) {
  std::string normal = fmt::format("version={}\n", version);
  normal.append("select=");
  for (const std::size_t column : spec.select) normal.append(fmt::format("{},", column));
  normal.push_back('\n');
  normal.append(NormalisedFilters(spec));
  normal.append(fmt::format("\noffset={}\nlimit={}\ntypes={}\nformat={}", spec.offset,
                            spec.limit ? std::to_string(*spec.limit) : "all",
                            spec.types == ValueMode::kTyped ? "typed" : "raw",
                            ContentTypeOf(spec.format)));
  return fmt::format("\"{:016x}{:016x}\"", Hash64(normal, 1), Hash64(normal, 2));
}

// ---------------------------------------------------------------------------------------------
// Execution

class QueryOutput::Impl {
 public:
  Impl(const DatasetInfo& dataset, const QuerySpec& spec, const QueryLimits& limits)
      : dataset_(dataset),
        spec_(spec),
        limits_(limits),
        cells_(dataset_.options),
        limit_(spec.limit.value_or(kNoLimit)) {}

  Status Open();
  Result<bool> Next(std::string& chunk);
  std::uint64_t total() const { return total_; }
  const std::optional<std::string>& next_cursor() const { return next_cursor_; }

 private:
  enum class Mode { kPage, kScan, kSorted };
  enum class Phase { kPrologue, kRows, kEpilogue, kDone };
  // A candidate row of a sort: where it is and its key (in sort_keys_).
  struct SortEntry {
    std::uint64_t row;
    std::uint64_t raw_offset;
    std::uint64_t key_offset;
    std::size_t key_size;
  };
  struct StoredCell {
    std::size_t offset;
    std::size_t size;
    bool quoted;
  };

  Status LoadIndex();
  Error FileError(const Error& error) const;
  Result<bool> ReadRecord();
  bool Matches(std::span<const CsvField> fields);
  void AppendSortKey(std::span<const CsvField> fields, std::string& out);
  bool SortLess(const SortEntry& a, const SortEntry& b) const;
  void TrimSort(std::size_t keep);
  Status Sort();
  Status FetchBatch();
  Result<bool> ProduceRows(std::string& chunk);
  void SelectFrom(std::span<const CsvField> fields);

  void WritePrologue(std::string& out);
  void WriteRow(std::string& out);
  void WriteEpilogue(std::string& out);
  void UpdateCursor();
  void AppendJsonValue(std::string& out, const CsvField& field, ColumnType type);

  DatasetInfo dataset_;
  QuerySpec spec_;
  QueryLimits limits_;
  CellReader cells_;
  std::uint64_t limit_;
  std::unique_ptr<CsvReader> reader_;
  std::shared_ptr<const RowIndex> index_;
  Mode mode_ = Mode::kPage;
  Phase phase_ = Phase::kPrologue;
  std::optional<Error> failure_;
  bool header_checked_ = false;

  std::uint64_t total_ = 0;
  std::uint64_t matched_ = 0;
  std::uint64_t emitted_ = 0;
  std::optional<std::string> next_cursor_;
  std::vector<CsvField> selected_;      // the current row's output cells
  std::vector<std::string> json_keys_;  // `"name":` per output column, with its comma
  std::string key_;                     // scratch for comparable forms
  std::string text_;                    // scratch for canonical text

  std::vector<SortEntry> sort_entries_;
  std::string sort_keys_;
  std::size_t sort_next_ = 0;  // next entry of the page to fetch
  std::vector<std::size_t> batch_order_;
  std::string batch_text_;
  std::vector<StoredCell> batch_cells_;
  std::size_t batch_size_ = 0;
  std::size_t batch_next_ = 0;
};

Error QueryOutput::Impl::FileError(const Error& error) const {
  return Error::Internal(
      fmt::format("dataset {} version {}: {}", dataset_.name, dataset_.version, error.message));
}

Status QueryOutput::Impl::LoadIndex() {
  index_ = dataset_.index;
  if (!index_ && !dataset_.index_path.empty()) {
    auto loaded = RowIndex::Load(dataset_.index_path);
    if (!loaded.ok()) return FileError(loaded.error());
    index_ = std::make_shared<const RowIndex>(std::move(loaded).value());
  }
  if (!index_) return Ok();
  const RowIndexSummary& summary = index_->summary();
  std::string mismatch;
  if (summary.rows != dataset_.total_rows) {
    mismatch = fmt::format("{} rows, the dataset {}", summary.rows, dataset_.total_rows);
  } else if (summary.gzip != dataset_.options.gzip) {
    mismatch = "gzip differs";
  } else if (summary.file_size != 0) {
    std::error_code error;
    const auto size = std::filesystem::file_size(dataset_.csv_path, error);
    if (!error && size != summary.file_size) {
      mismatch = fmt::format("a file of {} bytes, the file has {}", summary.file_size, size);
    }
  }
  if (!mismatch.empty()) {
    return Error::Internal(
        fmt::format("dataset {} version {}: the row index does not match the "
                    "file ({})",
                    dataset_.name, dataset_.version, mismatch));
  }
  return Ok();
}

// The next record, checked against the columns.
Result<bool> QueryOutput::Impl::ReadRecord() {
  auto more = reader_->Next();
  if (!more.ok()) return FileError(more.error());
  if (!*more) return false;
  if (!header_checked_ && reader_->has_header()) {
    header_checked_ = true;
    if (reader_->header().size() != dataset_.columns.size()) {
      return Error::Internal(fmt::format(
          "dataset {} version {}: the header has {} fields, the dataset has {} columns",
          dataset_.name, dataset_.version, reader_->header().size(), dataset_.columns.size()));
    }
  }
  const CsvRecord& record = reader_->record();
  if (record.fields.size() != dataset_.columns.size()) {
    return Error::Internal(
        fmt::format("dataset {} version {}: data row {} has {} fields, the dataset has {} columns",
                    dataset_.name, dataset_.version, record.row + 1, record.fields.size(),
                    dataset_.columns.size()));
  }
  return true;
}

Status QueryOutput::Impl::Open() {
  auto reader = CsvReader::OpenFile(dataset_.csv_path, dataset_.options);
  if (!reader.ok()) {
    if (reader.error().code == ErrorCode::kNotFound) return FileError(reader.error());
    return std::move(reader).error();
  }
  reader_ = std::move(reader).value();
  selected_.resize(spec_.select.size());
  for (std::size_t j = 0; j < spec_.select.size(); ++j) {
    std::string key = j > 0 ? "," : "";
    AppendJsonString(key, dataset_.columns[spec_.select[j]].name);
    key.push_back(':');
    json_keys_.push_back(std::move(key));
  }
  if (!spec_.sort.empty()) {
    mode_ = Mode::kSorted;
  } else if (!spec_.filters.empty()) {
    mode_ = Mode::kScan;
  }
  if (mode_ != Mode::kScan) BATUTA_RETURN_IF_ERROR(LoadIndex());
  total_ = dataset_.total_rows;
  switch (mode_) {
    case Mode::kPage:
      if (spec_.offset < total_ && limit_ > 0) {
        const CsvCheckpoint at = index_ ? index_->Locate(spec_.offset) : CsvCheckpoint{};
        if (Status seek = reader_->Seek(at); !seek.ok()) return FileError(seek.error());
        for (std::uint64_t row = at.row; row < spec_.offset; ++row) {
          auto more = ReadRecord();
          if (!more.ok()) return std::move(more).error();
          if (!*more) break;
        }
      }
      UpdateCursor();
      return Ok();
    case Mode::kScan:
      return Ok();
    case Mode::kSorted:
      BATUTA_RETURN_IF_ERROR(Sort());
      UpdateCursor();
      return Ok();
  }
  return Ok();
}

bool QueryOutput::Impl::Matches(std::span<const CsvField> fields) {
  for (const Filter& filter : spec_.filters) {
    const CsvField& field = fields[filter.column];
    const ColumnType type = dataset_.columns[filter.column].type;
    const bool null = cells_.IsNull(field);
    if (filter.op == FilterOp::kIsNull) {
      if (null != filter.want_null) return false;
      continue;
    }
    if (null) return false;
    if (filter.op == FilterOp::kContains || filter.op == FilterOp::kStartsWith) {
      std::string_view text = cells_.Unguarded(field.text, type);
      if (type != ColumnType::kText && type != ColumnType::kBytes) {
        text_.clear();
        cells_.AppendCanonical(field.text, type, text_);
        text = text_;
      }
      const std::string& wanted = filter.values.front();
      const bool hit = filter.op == FilterOp::kContains ? text.find(wanted) != std::string::npos
                                                        : text.substr(0, wanted.size()) == wanted;
      if (!hit) return false;
      continue;
    }
    std::string_view key;
    if (type == ColumnType::kText) {
      key = cells_.Unguarded(field.text, type);
    } else {
      key_.clear();
      if (!cells_.AppendKey(field.text, type, /*filter_value=*/false, key_)) return false;
      key = key_;
    }
    bool hit = false;
    switch (filter.op) {
      case FilterOp::kEq:
        hit = key == filter.values.front();
        break;
      case FilterOp::kNe:
        hit = key != filter.values.front();
        break;
      case FilterOp::kLt:
        hit = key < filter.values.front();
        break;
      case FilterOp::kLe:
        hit = key <= filter.values.front();
        break;
      case FilterOp::kGt:
        hit = key > filter.values.front();
        break;
      case FilterOp::kGe:
        hit = key >= filter.values.front();
        break;
      case FilterOp::kIn:
        hit = std::find(filter.values.begin(), filter.values.end(), key) != filter.values.end();
        break;
      default:
        break;
    }
    if (!hit) return false;
  }
  return true;
}

// The sort key of a row, one component per sort column, memcmp-comparable as a whole: a flag
// byte (1 value, 2 not a value of its type, 3 null: nulls last in either direction), then the
// comparable form with 0x00 escaped as 00 FF and ended by 00 01, all inverted for descending.
void QueryOutput::Impl::AppendSortKey(std::span<const CsvField> fields, std::string& out) {
  for (const SortKey& sort : spec_.sort) {
    const CsvField& field = fields[sort.column];
    const ColumnType type = dataset_.columns[sort.column].type;
    if (cells_.IsNull(field)) {
      out.push_back('\x03');
      continue;
    }
    key_.clear();
    char flag = '\x01';
    if (type == ColumnType::kText) {
      key_.append(cells_.Unguarded(field.text, type));
    } else if (!cells_.AppendKey(field.text, type, /*filter_value=*/false, key_)) {
      flag = '\x02';
      key_.assign(field.text);
    }
    out.push_back(flag);
    const char invert = sort.descending ? '\xFF' : '\0';
    for (const char c : key_) {
      out.push_back(static_cast<char>(c ^ invert));
      if (c == '\0') out.push_back(static_cast<char>('\xFF' ^ invert));
    }
    out.push_back(invert);
    out.push_back(static_cast<char>('\x01' ^ invert));
  }
}

bool QueryOutput::Impl::SortLess(const SortEntry& a, const SortEntry& b) const {
  const std::string_view ka(sort_keys_.data() + a.key_offset, a.key_size);
  const std::string_view kb(sort_keys_.data() + b.key_offset, b.key_size);
  const int c = ka.compare(kb);
  if (c != 0) return c < 0;
  return a.row < b.row;
}

// Keeps the `keep` first entries in sort order (unordered) and drops the keys of the others.
void QueryOutput::Impl::TrimSort(std::size_t keep) {
  if (sort_entries_.size() <= keep) return;
  const auto less = [this](const SortEntry& a, const SortEntry& b) { return SortLess(a, b); };
  std::nth_element(sort_entries_.begin(), sort_entries_.begin() + static_cast<std::ptrdiff_t>(keep),
                   sort_entries_.end(), less);
  sort_entries_.resize(keep);
  std::string keys;
  keys.reserve(sort_keys_.size() / 2);
  for (SortEntry& entry : sort_entries_) {
    const std::size_t offset = keys.size();
    keys.append(sort_keys_, entry.key_offset, entry.key_size);
    entry.key_offset = offset;
  }
  sort_keys_ = std::move(keys);
}

// Scans the file once, keeping the best offset + limit candidates, and sorts them.
Status QueryOutput::Impl::Sort() {
  const std::uint64_t wanted = SaturatingAdd(spec_.offset, limit_);
  const std::size_t keep = wanted >= std::numeric_limits<std::size_t>::max() / 2
                               ? std::numeric_limits<std::size_t>::max() / 2
                               : static_cast<std::size_t>(wanted);
  const std::size_t trim_at = std::max<std::size_t>(keep * 2, 1024);
  if (Status seek = reader_->Seek({}); !seek.ok()) return FileError(seek.error());
  for (;;) {
    auto more = ReadRecord();
    if (!more.ok()) return std::move(more).error();
    if (!*more) break;
    const CsvRecord& record = reader_->record();
    if (!Matches(record.fields)) continue;
    ++matched_;
    if (keep == 0) continue;
    const std::size_t offset = sort_keys_.size();
    AppendSortKey(record.fields, sort_keys_);
    sort_entries_.push_back({record.row, record.raw_begin, offset, sort_keys_.size() - offset});
    if (sort_entries_.size() >= trim_at) TrimSort(keep);
    if (sort_entries_.capacity() * sizeof(SortEntry) + sort_keys_.capacity() >
        limits_.max_sort_bytes) {
      return BadParameter(
          "sort", fmt::format("invalid sort: sorting these rows needs more than {} MiB; add a "
                              "filter or ask for a smaller offset",
                              limits_.max_sort_bytes >> 20));
    }
  }
  total_ = spec_.filters.empty() ? dataset_.total_rows : matched_;
  TrimSort(keep);
  std::sort(sort_entries_.begin(), sort_entries_.end(),
            [this](const SortEntry& a, const SortEntry& b) { return SortLess(a, b); });
  sort_next_ = std::min<std::uint64_t>(spec_.offset, sort_entries_.size());
  return Ok();
}

// Reads the next kSortBatch rows of the sorted page in file order and stores their selected
// cells, so they can be written in sort order.
Status QueryOutput::Impl::FetchBatch() {
  const std::size_t count = std::min(kSortBatch, sort_entries_.size() - sort_next_);
  batch_order_.resize(count);
  for (std::size_t i = 0; i < count; ++i) batch_order_[i] = i;
  std::sort(batch_order_.begin(), batch_order_.end(), [this](std::size_t a, std::size_t b) {
    return sort_entries_[sort_next_ + a].row < sort_entries_[sort_next_ + b].row;
  });
  batch_text_.clear();
  batch_cells_.assign(count * spec_.select.size(), {});
  for (const std::size_t position : batch_order_) {
    const SortEntry& entry = sort_entries_[sort_next_ + position];
    if (!dataset_.options.gzip) {
      if (Status seek = reader_->Seek({entry.row, entry.raw_offset, entry.raw_offset});
          !seek.ok()) {
        return FileError(seek.error());
      }
    } else {
      const CsvCheckpoint at = index_ ? index_->Locate(entry.row) : CsvCheckpoint{};
      if (reader_->next_row() > entry.row || at.row > reader_->next_row()) {
        if (Status seek = reader_->Seek(at); !seek.ok()) return FileError(seek.error());
      }
      while (reader_->next_row() < entry.row) {
        auto more = ReadRecord();
        if (!more.ok()) return std::move(more).error();
        if (!*more) break;
      }
    }
    auto more = ReadRecord();
    if (!more.ok()) return std::move(more).error();
    if (!*more || reader_->record().row != entry.row) {
      return Error::Internal(fmt::format("dataset {} version {}: data row {} changed while read",
                                         dataset_.name, dataset_.version, entry.row + 1));
    }
    const auto fields = reader_->record().fields;
    for (std::size_t j = 0; j < spec_.select.size(); ++j) {
      const CsvField& field = fields[spec_.select[j]];
      batch_cells_[position * spec_.select.size() + j] = {batch_text_.size(), field.text.size(),
                                                          field.quoted};
      batch_text_.append(field.text);
    }
  }
  batch_size_ = count;
  batch_next_ = 0;
  sort_next_ += count;
  return Ok();
}

void QueryOutput::Impl::SelectFrom(std::span<const CsvField> fields) {
  for (std::size_t j = 0; j < spec_.select.size(); ++j) selected_[j] = fields[spec_.select[j]];
}

// Appends rows until the chunk is full; false when there are no more rows.
Result<bool> QueryOutput::Impl::ProduceRows(std::string& chunk) {
  while (chunk.size() < limits_.chunk_bytes) {
    switch (mode_) {
      case Mode::kPage: {
        if (emitted_ >= limit_ || spec_.offset >= total_) return false;
        auto more = ReadRecord();
        if (!more.ok()) return std::move(more).error();
        if (!*more) return false;
        SelectFrom(reader_->record().fields);
        break;
      }
      case Mode::kScan: {
        auto more = ReadRecord();
        if (!more.ok()) return std::move(more).error();
        if (!*more) {
          total_ = matched_;
          return false;
        }
        if (!Matches(reader_->record().fields)) continue;
        const std::uint64_t index = matched_++;
        if (index < spec_.offset || index - spec_.offset >= limit_) continue;
        SelectFrom(reader_->record().fields);
        break;
      }
      case Mode::kSorted: {
        if (batch_next_ == batch_size_) {
          if (sort_next_ == sort_entries_.size()) return false;
          BATUTA_RETURN_IF_ERROR(FetchBatch());
        }
        const StoredCell* stored = &batch_cells_[batch_next_++ * spec_.select.size()];
        for (std::size_t j = 0; j < spec_.select.size(); ++j) {
          selected_[j] = {std::string_view(batch_text_.data() + stored[j].offset, stored[j].size),
                          stored[j].quoted};
        }
        break;
      }
    }
    WriteRow(chunk);
    ++emitted_;
  }
  return true;
}

void QueryOutput::Impl::AppendJsonValue(std::string& out, const CsvField& field, ColumnType type) {
  if (cells_.IsNull(field)) {
    out.append("null");
    return;
  }
  if (spec_.types == ValueMode::kRaw) {
    AppendJsonString(out, cells_.Unguarded(field.text, type));
    return;
  }
  switch (type) {
    case ColumnType::kInteger:
    case ColumnType::kNumber:
      if (AppendJsonNumber(field.text, dataset_.options.decimal_separator, out)) return;
      break;
    case ColumnType::kBoolean:
      if (const auto value = ParseBoolean(field.text)) {
        out.append(*value ? "true" : "false");
        return;
      }
      break;
    case ColumnType::kDate:
    case ColumnType::kTime:
    case ColumnType::kTimestamp:
      text_.clear();
      if (cells_.Temporal(field.text, type, text_)) {
        AppendJsonString(out, text_);
        return;
      }
      break;
    case ColumnType::kText:
    case ColumnType::kBytes:
      break;
  }
  AppendJsonString(out, cells_.Unguarded(field.text, type));
}

void QueryOutput::Impl::WritePrologue(std::string& out) {
  switch (spec_.format) {
    case OutputFormat::kJson:
      out.append("{\"dataset\":");
      AppendJsonString(out, dataset_.name);
      out.append(",\"version\":");
      AppendJsonString(out, dataset_.version);
      out.append(",\"columns\":[");
      for (std::size_t j = 0; j < spec_.select.size(); ++j) {
        const rows::Column& column = dataset_.columns[spec_.select[j]];
        if (j > 0) out.push_back(',');
        out.append("{\"name\":");
        AppendJsonString(out, column.name);
        out.append(",\"type\":\"");
        out.append(rows::ColumnTypeName(column.type));
        out.append("\"}");
      }
      out.append("],\"rows\":[");
      break;
    case OutputFormat::kNdjson:
      break;
    case OutputFormat::kCsv:
      for (std::size_t j = 0; j < spec_.select.size(); ++j) {
        if (j > 0) out.push_back(dataset_.options.delimiter);
        AppendCsvField(out, dataset_.columns[spec_.select[j]].name, dataset_.options.delimiter);
      }
      out.append("\r\n");
      break;
  }
}

void QueryOutput::Impl::WriteRow(std::string& out) {
  if (spec_.format == OutputFormat::kCsv) {
    const char delimiter = dataset_.options.delimiter;
    for (std::size_t j = 0; j < selected_.size(); ++j) {
      if (j > 0) out.push_back(delimiter);
      const CsvField& field = selected_[j];
      if (cells_.IsNull(field)) continue;
      const ColumnType type = dataset_.columns[spec_.select[j]].type;
      if (spec_.types == ValueMode::kTyped && type != ColumnType::kText &&
          type != ColumnType::kBytes) {
        text_.clear();
        cells_.AppendCanonical(field.text, type, text_);
        AppendCsvField(out, text_, delimiter);
      } else {
        AppendCsvField(out, field.text, delimiter);  // text keeps its formula guard
      }
    }
    out.append("\r\n");
    return;
  }
  if (spec_.format == OutputFormat::kJson && emitted_ > 0) out.push_back(',');
  out.push_back('{');
  for (std::size_t j = 0; j < selected_.size(); ++j) {
    out.append(json_keys_[j]);
    AppendJsonValue(out, selected_[j], dataset_.columns[spec_.select[j]].type);
  }
  out.push_back('}');
  if (spec_.format == OutputFormat::kNdjson) out.push_back('\n');
}

void QueryOutput::Impl::UpdateCursor() {
  if (spec_.limit && SaturatingAdd(spec_.offset, *spec_.limit) < total_) {
    next_cursor_ = MakeCursor(spec_.offset + *spec_.limit, spec_, dataset_.version);
  }
}

void QueryOutput::Impl::WriteEpilogue(std::string& out) {
  UpdateCursor();
  if (spec_.format != OutputFormat::kJson) return;
  out.append("],\"total\":");
  AppendUnsigned(out, total_);
  out.append(",\"offset\":");
  AppendUnsigned(out, spec_.offset);
  out.append(",\"limit\":");
  if (spec_.limit) {
    AppendUnsigned(out, *spec_.limit);
  } else {
    out.append("null");
  }
  out.append(",\"next_cursor\":");
  if (next_cursor_) {
    AppendJsonString(out, *next_cursor_);
  } else {
    out.append("null");
  }
  out.push_back('}');
}

Result<bool> QueryOutput::Impl::Next(std::string& chunk) {
  chunk.clear();
  if (failure_) return *failure_;
  while (chunk.size() < limits_.chunk_bytes && phase_ != Phase::kDone) {
    switch (phase_) {
      case Phase::kPrologue:
        WritePrologue(chunk);
        phase_ = Phase::kRows;
        break;
      case Phase::kRows: {
        auto more = ProduceRows(chunk);
        if (!more.ok()) {
          failure_ = more.error();
          chunk.clear();
          return std::move(more).error();
        }
        if (!*more) phase_ = Phase::kEpilogue;
        break;
      }
      case Phase::kEpilogue:
        WriteEpilogue(chunk);
        phase_ = Phase::kDone;
        break;
      case Phase::kDone:
        break;
    }
  }
  return !chunk.empty();
}

QueryOutput::QueryOutput(std::unique_ptr<Impl> impl, OutputFormat format)
    : impl_(std::move(impl)), format_(format) {}
QueryOutput::~QueryOutput() = default;

Result<bool> QueryOutput::Next(std::string& chunk) { return impl_->Next(chunk); }
std::uint64_t QueryOutput::total() const { return impl_->total(); }
const std::optional<std::string>& QueryOutput::next_cursor() const { return impl_->next_cursor(); }

Result<std::unique_ptr<QueryOutput>> OpenQuery(const DatasetInfo& dataset, const QuerySpec& spec,
                                               const QueryLimits& limits) {
  for (const std::size_t column : spec.select) {
    if (column >= dataset.columns.size()) return Error::Internal("query selects no such column");
  }
  auto impl = std::make_unique<QueryOutput::Impl>(dataset, spec, limits);
  BATUTA_RETURN_IF_ERROR(impl->Open());
  // NOLINTNEXTLINE(modernize-make-unique): the constructor is private
  return std::unique_ptr<QueryOutput>(new QueryOutput(std::move(impl), spec.format));
}

Result<std::string> RenderQuery(const DatasetInfo& dataset, const QuerySpec& spec,
                                const QueryLimits& limits) {
  auto output = OpenQuery(dataset, spec, limits);
  if (!output.ok()) return std::move(output).error();
  std::string all;
  std::string chunk;
  for (;;) {
    auto more = (*output)->Next(chunk);
    if (!more.ok()) return std::move(more).error();
    if (!*more) break;
    all.append(chunk);
  }
  return all;
}

}  // namespace batuta::datasets
