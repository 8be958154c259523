#include "formats/datetime_format.h"

#include <cstddef>
#include <cstring>
#include <utility>

namespace batuta::formats {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool DigitsAt(std::string_view text, std::size_t from, std::size_t count) {
  for (std::size_t i = from; i < from + count; ++i) {
    if (!IsDigit(text[i])) return false;
  }
  return true;
}

// YYYY-MM-DD at the start of `text` (which has at least 10 bytes).
bool IsCanonicalDate(std::string_view text) {
  return DigitsAt(text, 0, 4) && text[4] == '-' && DigitsAt(text, 5, 2) && text[7] == '-' &&
         DigitsAt(text, 8, 2);
}

// HH:MM:SS(.f+)? making up all of `text`.
bool IsCanonicalTime(std::string_view text) {
  if (text.size() < 8 || !DigitsAt(text, 0, 2) || text[2] != ':' || !DigitsAt(text, 3, 2) ||
      text[5] != ':' || !DigitsAt(text, 6, 2)) {
    return false;
  }
  if (text.size() == 8) return true;
  return text.size() > 9 && text[8] == '.' && DigitsAt(text, 9, text.size() - 9);
}

std::string_view DirectivesOf(DateTimeFormat::Kind kind) {
  switch (kind) {
    case DateTimeFormat::Kind::kDate:
      return "%Y %m %d %%";
    case DateTimeFormat::Kind::kTime:
      return "%H %M %S %f %.f %%";
    case DateTimeFormat::Kind::kTimestamp:
      return "%Y %m %d %H %M %S %f %.f %%";
  }
  return "";
}

std::string_view NameOf(DateTimeFormat::Kind kind) {
  switch (kind) {
    case DateTimeFormat::Kind::kDate:
      return "date";
    case DateTimeFormat::Kind::kTime:
      return "time";
    case DateTimeFormat::Kind::kTimestamp:
      return "timestamp";
  }
  return "";
}

}  // namespace

Result<DateTimeFormat> DateTimeFormat::Compile(std::string_view format, Kind kind) {
  if (format.empty()) return Error::InvalidArgument("is empty");
  const bool date_parts = kind != Kind::kTime;
  const bool time_parts = kind != Kind::kDate;
  std::vector<Piece> pieces;
  auto add_literal = [&pieces](std::string_view text) {
    if (pieces.empty() || pieces.back().part != Part::kLiteral) pieces.push_back({});
    pieces.back().literal.append(text);
  };
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      add_literal(format.substr(i, 1));
      continue;
    }
    if (i + 1 == format.size()) {
      return Error::InvalidArgument("ends with a lone % (write %% for a percent sign)");
    }
    const char directive = format[++i];
    Part part = Part::kLiteral;
    if (directive == '.' && time_parts && format.substr(i, 2) == ".f") {
      pieces.push_back({Part::kDotFraction, {}});
      ++i;
      continue;
    }
    switch (directive) {
      case '%':
        add_literal("%");
        continue;
      case 'Y':
        part = date_parts ? Part::kYear : Part::kLiteral;
        break;
      case 'm':
        part = date_parts ? Part::kMonth : Part::kLiteral;
        break;
      case 'd':
        part = date_parts ? Part::kDay : Part::kLiteral;
        break;
      case 'H':
        part = time_parts ? Part::kHour : Part::kLiteral;
        break;
      case 'M':
        part = time_parts ? Part::kMinute : Part::kLiteral;
        break;
      case 'S':
        part = time_parts ? Part::kSecond : Part::kLiteral;
        break;
      case 'f':
        part = time_parts ? Part::kFraction : Part::kLiteral;
        break;
      default:
        break;
    }
    if (part == Part::kLiteral) {
      // Appended piece by piece: g++ 12 at -O3 warns falsely (-Wrestrict) on a chain of +.
      std::string message = "%";
      message += directive;
      message += " is not a directive of a ";
      message += NameOf(kind);
      message += " format (use ";
      message += DirectivesOf(kind);
      message += ")";
      return Error::InvalidArgument(std::move(message));
    }
    pieces.push_back({part, {}});
  }
  // The canonical forms, whose rendering is a copy of (part of) the value.
  const std::string_view canonical = kind == Kind::kDate   ? "%Y-%m-%d"
                                     : kind == Kind::kTime ? "%H:%M:%S"
                                                           : "%Y-%m-%d %H:%M:%S";
  std::size_t prefix = 0;
  if (format == canonical) {
    prefix = kind == Kind::kDate ? 10 : kind == Kind::kTime ? 8 : 19;
  } else if (kind != Kind::kDate && format.size() == canonical.size() + 3 &&
             format.starts_with(canonical) && format.ends_with("%.f")) {
    prefix = kWholeValue;
  }
  return DateTimeFormat(kind, std::move(pieces), prefix);
}

bool DateTimeFormat::Render(std::string_view canonical, std::string& out) const {
  const std::size_t start = out.size();
  out.resize(start + MaxRenderedSize(canonical.size()));
  const std::size_t written = RenderTo(canonical, out.data() + start);
  out.resize(written == kNotCanonical ? start : start + written);
  return written != kNotCanonical;
}

std::size_t DateTimeFormat::RenderTo(std::string_view canonical, char* out) const {
  std::size_t time_at = 0;
  switch (kind_) {
    case Kind::kDate:
      if (canonical.size() != 10 || !IsCanonicalDate(canonical)) return kNotCanonical;
      break;
    case Kind::kTime:
      if (!IsCanonicalTime(canonical)) return kNotCanonical;
      break;
    case Kind::kTimestamp:
      if (canonical.size() < 19 || !IsCanonicalDate(canonical) ||
          (canonical[10] != ' ' && canonical[10] != 'T') ||
          !IsCanonicalTime(canonical.substr(11))) {
        return kNotCanonical;
      }
      time_at = 11;
      break;
  }
  if (canonical_prefix_ != 0) {
    const std::size_t size =
        canonical_prefix_ == kWholeValue ? canonical.size() : canonical_prefix_;
    std::memcpy(out, canonical.data(), size);
    if (time_at != 0) out[10] = ' ';  // a 'T' between date and time
    return size;
  }
  char* next = out;
  const auto copy = [&next](std::string_view text) {
    std::memcpy(next, text.data(), text.size());
    next += text.size();
  };
  for (const Piece& piece : pieces_) {
    switch (piece.part) {
      case Part::kLiteral:
        copy(piece.literal);
        break;
      case Part::kYear:
        copy(canonical.substr(0, 4));
        break;
      case Part::kMonth:
        copy(canonical.substr(5, 2));
        break;
      case Part::kDay:
        copy(canonical.substr(8, 2));
        break;
      case Part::kHour:
        copy(canonical.substr(time_at, 2));
        break;
      case Part::kMinute:
        copy(canonical.substr(time_at + 3, 2));
        break;
      case Part::kSecond:
        copy(canonical.substr(time_at + 6, 2));
        break;
      case Part::kFraction:
        if (canonical.size() > time_at + 9) copy(canonical.substr(time_at + 9));
        break;
      case Part::kDotFraction:
        if (canonical.size() > time_at + 9) copy(canonical.substr(time_at + 8));
        break;
    }
  }
  return static_cast<std::size_t>(next - out);
}

}  // namespace batuta::formats
