#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace batuta::formats {

// The pieces a date/time format is made of, shared by the renderer below and the parser that
// reads renderings back (datasets/temporal_format.h). The first seven are, in this order, the
// parts of a canonical value (the parser indexes by them).
enum class DateTimePart {
  kYear,
  kMonth,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kFraction,     // %f: the digits
  kDotFraction,  // %.f: '.' and the digits, or nothing
  kLiteral,
};

// An output format for date, time and timestamp cells, compiled once from its %-form:
// %Y %m %d (date parts), %H %M %S %f %.f (time parts; %f is the fraction as the database gave
// it, without its dot, empty when there is none; %.f is the same with its dot, so "%S%.f" is
// "05" or "05.25", never "05.") and %% ; every other character is literal.
// Rendering slices the canonical text of rows/row.h (YYYY-MM-DD, HH:MM:SS(.f+)?,
// YYYY-MM-DD HH:MM:SS(.f+)?) without any calendar arithmetic, so it costs a few copies.
class DateTimeFormat {
 public:
  // Which canonical form the format renders, and so which directives it may use.
  enum class Kind {
    kDate,       // %Y %m %d
    kTime,       // %H %M %S %f
    kTimestamp,  // all of them
  };

  // kInvalidArgument with a message naming the offending directive ("%x is not a directive of
  // a date format (use %Y %m %d %%)") or "is empty". The caller adds the field name.
  static Result<DateTimeFormat> Compile(std::string_view format, Kind kind);

  // Appends the rendering of `canonical` to `out`. Returns false, leaving `out` unchanged, when
  // `canonical` is not in the canonical form of the kind (a timestamp may also use 'T' between
  // date and time).
  bool Render(std::string_view canonical, std::string& out) const;

  // Render into `out`, which has room for MaxRenderedSize(canonical.size()) bytes. Returns the
  // bytes written, or kNotCanonical (nothing written that counts).
  static constexpr std::size_t kNotCanonical = static_cast<std::size_t>(-1);
  std::size_t RenderTo(std::string_view canonical, char* out) const;
  // The most bytes RenderTo writes for a canonical value of `canonical_size` bytes.
  std::size_t MaxRenderedSize(std::size_t canonical_size) const {
    return literal_bytes_ + parts_ * canonical_size;
  }
  // Every byte the format itself adds (its literals, and the dot of %.f), for callers that must
  // know whether a rendering can contain a given byte (digits are the only other bytes in it).
  const std::string& literal_bytes() const { return literals_; }

  Kind kind() const { return kind_; }

 private:
  using Part = DateTimePart;
  struct Piece {
    Part part = Part::kLiteral;
    std::string literal;
  };

  DateTimeFormat(Kind kind, std::vector<Piece> pieces, std::size_t canonical_prefix)
      : kind_(kind), pieces_(std::move(pieces)), canonical_prefix_(canonical_prefix) {
    for (const Piece& piece : pieces_) {
      if (piece.part == Part::kLiteral) {
        literals_ += piece.literal;
      } else {
        // %.f's dot is a byte the format adds (it may be the delimiter: decimal ',' allows that).
        if (piece.part == Part::kDotFraction) literals_ += '.';
        ++parts_;
      }
    }
    literal_bytes_ = literals_.size();
  }

  Kind kind_;
  std::vector<Piece> pieces_;
  std::string literals_;  // all literal pieces, concatenated, and %.f's dot
  std::size_t literal_bytes_ = 0;
  std::size_t parts_ = 0;  // pieces that copy part of the value
  // When the format is a canonical form, a rendering is a copy: without the fraction
  // (%Y-%m-%d, %H:%M:%S, %Y-%m-%d %H:%M:%S) this many leading bytes of the value; with it
  // (%H:%M:%S%.f, %Y-%m-%d %H:%M:%S%.f, the defaults) kWholeValue, all of it.
  static constexpr std::size_t kWholeValue = static_cast<std::size_t>(-1);
  std::size_t canonical_prefix_ = 0;
};

}  // namespace batuta::formats
