#include "datasets/temporal_format.h"

#include <cstddef>

namespace batuta::datasets {
namespace {

using rows::ColumnType;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Number(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

TemporalFormat::TemporalFormat(std::string_view format, rows::ColumnType type)
    : type_(type), format_(format) {
  // A literal is a range of format_ ("%%" keeps only its second byte).
  const auto literal = [this](std::size_t from, std::size_t size) {
    pieces_.push_back({Part::kLiteral, from, size});
  };
  const auto part = [this](Part which) { pieces_.push_back({which, 0, 0}); };
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format.substr(i, 3) == "%.f") {
      part(Part::kDotFraction);
      has_fraction_ = true;
      i += 2;
      continue;
    }
    if (format[i] != '%' || i + 1 == format.size()) {
      literal(i, 1);
      continue;
    }
    switch (format[++i]) {
      case 'Y':
        part(Part::kYear);
        break;
      case 'm':
        part(Part::kMonth);
        break;
      case 'd':
        part(Part::kDay);
        break;
      case 'H':
        part(Part::kHour);
        break;
      case 'M':
        part(Part::kMinute);
        break;
      case 'S':
        part(Part::kSecond);
        break;
      case 'f':
        part(Part::kFraction);
        has_fraction_ = true;
        break;
      case '%':
        literal(i, 1);
        break;
      default:  // not a directive (the writer refuses it): matched as written
        literal(i - 1, 2);
        break;
    }
  }
}

bool TemporalFormat::Parse(std::string_view text, std::string& out) const {
  std::string_view parts[7];  // year, month, day, hour, minute, second, fraction
  const std::string_view format = format_;
  std::size_t at = 0;
  for (const Piece& piece : pieces_) {
    if (piece.part == Part::kLiteral) {
      if (text.substr(at, piece.size) != format.substr(piece.from, piece.size)) {
        return false;
      }
      at += piece.size;
      continue;
    }
    std::size_t width = piece.part == Part::kYear ? 4 : 2;
    if (piece.part == Part::kDotFraction) {
      // ".digits", or nothing at all.
      if (at + 1 >= text.size() || text[at] != '.' || !IsDigit(text[at + 1])) continue;
      std::size_t end = at + 1;
      while (end < text.size() && IsDigit(text[end])) ++end;
      parts[6] = text.substr(at + 1, end - at - 1);
      at = end;
      continue;
    }
    if (piece.part == Part::kFraction) {
      width = 0;
      while (at + width < text.size() && IsDigit(text[at + width])) ++width;
    } else {
      if (at + width > text.size()) return false;
      for (std::size_t k = 0; k < width; ++k) {
        if (!IsDigit(text[at + k])) return false;
      }
    }
    parts[static_cast<int>(piece.part)] = text.substr(at, width);
    at += width;
  }
  // A fraction the format does not show (the writer drops it, other files may keep it).
  if (!has_fraction_ && type_ != ColumnType::kDate && at + 1 < text.size() &&
      (text[at] == '.' || text[at] == ',') && IsDigit(text[at + 1])) {
    std::size_t end = at + 1;
    while (end < text.size() && IsDigit(text[end])) ++end;
    parts[6] = text.substr(at + 1, end - at - 1);
    at = end;
  }
  if (at != text.size()) return false;
  return Canonical(parts, out);
}

bool TemporalFormat::Canonical(const std::string_view (&parts)[7], std::string& out) const {
  const bool date = type_ != ColumnType::kTime;
  const bool time = type_ != ColumnType::kDate;
  if (date) {
    if (parts[0].empty() || parts[1].empty() || parts[2].empty()) return false;
    const int month = Number(parts[1]);
    const int day = Number(parts[2]);
    if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  }
  if (time) {
    if (parts[3].empty() || parts[4].empty()) return false;
    if (Number(parts[3]) > 24 || Number(parts[4]) > 59) return false;
    if (!parts[5].empty() && Number(parts[5]) > 60) return false;
  }
  if (date) {
    out.append(parts[0]);
    out.push_back('-');
    out.append(parts[1]);
    out.push_back('-');
    out.append(parts[2]);
  }
  if (date && time) out.push_back(' ');
  if (time) {
    out.append(parts[3]);
    out.push_back(':');
    out.append(parts[4]);
    out.push_back(':');
    out.append(parts[5].empty() ? std::string_view("00") : parts[5]);
    if (!parts[6].empty()) {
      out.push_back('.');
      out.append(parts[6]);
    }
  }
  return true;
}

}  // namespace batuta::datasets
