#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "formats/datetime_format.h"
#include "rows/row.h"

namespace batuta::datasets {

// A date/time format of formats::DateTimeFormat compiled for parsing: the reverse of its
// Render, so what an export wrote can be read back as canonical text (rows/row.h). %Y is four
// digits, %m %d %H %M %S two, %f any number of digits (possibly none), %.f a dot and digits or
// nothing. Used by the data API (typed values, filters, sort) and by accumulate (which rows of
// the kept file fall in a run's window).
class TemporalFormat {
 public:
  TemporalFormat() = default;
  TemporalFormat(std::string_view format, rows::ColumnType type);

  // Appends the canonical text of `text` to `out`; false, leaving `out` unchanged, when `text`
  // does not match the format or names an impossible date or time. A fraction the format does
  // not show ('.' or ',' and digits after the seconds) is accepted: other files may keep it.
  bool Parse(std::string_view text, std::string& out) const;

 private:
  // kDotFraction (%.f) fills the fraction's slot too.
  using Part = formats::DateTimePart;
  struct Piece {
    Part part = Part::kLiteral;
    std::size_t from = 0;  // a literal: format_.substr(from, size)
    std::size_t size = 0;
  };

  bool Canonical(const std::string_view (&parts)[7], std::string& out) const;

  rows::ColumnType type_ = rows::ColumnType::kDate;
  std::string format_;
  std::vector<Piece> pieces_;
  bool has_fraction_ = false;
};

}  // namespace batuta::datasets
