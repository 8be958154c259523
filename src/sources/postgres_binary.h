#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace batuta::sources {

// PostgreSQL's binary wire format for the built-in types whose text output batuta can
// reproduce byte for byte, and that reproduction. A COPY … (FORMAT binary) export
// (postgres_copy.h) lets the server skip its text output functions and CSV quoting; these
// renderings put back exactly what the text protocol would have delivered (DateStyle ISO,
// bytea_output hex), so a file does not depend on how its rows were fetched.
//
// Types whose text depends on session settings batuta does not reproduce are left out and
// keep the export on the text protocol: timestamptz and timetz (the session's time zone),
// float4/float8 (extra_float_digits), interval (IntervalStyle), money (lc_monetary), and
// anything not built in.
enum class BinaryFormat {
  kNone,     // no exact rendering: fetch as text
  kBoolean,  // 1 byte → true / false (rows::Cell's canonical form, not t / f)
  kInt2,     // big-endian two's complement
  kInt4,
  kInt8,
  kOid,        // big-endian unsigned 32 bits
  kText,       // the bytes, in the client encoding (text, varchar, bpchar, name, json)
  kJsonb,      // a version byte (1) then the text
  kNumeric,    // ndigits, weight, sign, dscale (int16 each), then base-10000 digits
  kDate,       // int32 days since 2000-01-01; INT32_MIN / MAX are -infinity / infinity
  kTime,       // int64 microseconds since midnight
  kTimestamp,  // int64 microseconds since 2000-01-01 00:00; INT64_MIN / MAX the infinities
  kBytes,      // the bytes → lower-case hex (bytea_output hex, without the \x)
  kUuid,       // 16 bytes → 8-4-4-4-12 lower-case hex
};

// An upper bound of the size of `value`'s rendering (RenderBinaryInto); 0 for a numeric whose
// header is malformed.
std::size_t MaxRenderedSize(BinaryFormat format, std::string_view value);

// The bound MaxRenderedSize gives every value of the formats whose renderings are short
// whatever the value (integers, dates, times, timestamps with a 7-digit year and " BC",
// uuids), and whether `format` is one of them: readers skip the call for those.
constexpr std::size_t kMaxFixedRenderedSize = 48;
constexpr bool HasFixedRenderedSize(BinaryFormat format) {
  return format != BinaryFormat::kNumeric && format != BinaryFormat::kText &&
         format != BinaryFormat::kJsonb && format != BinaryFormat::kBytes;
}

// The last date a column rendered: consecutive rows often fall on the same day (rows in time
// order), and the calendar arithmetic is most of a timestamp's rendering.
struct DateMemo {
  std::int64_t days = std::numeric_limits<std::int64_t>::min();  // since 2000-01-01
  bool before_christ = false;
  std::size_t size = 0;
  char text[24] = {};  // the date as PutDate wrote it
};

// Writes the rendering of `value`, one non-NULL field in `format`, at `out`, which has
// MaxRenderedSize room, and returns its end; null when `value` is not a well-formed value of
// that format (a server that sends one is not speaking the protocol, and the caller fails the
// query). Dates and timestamps use and refresh `memo` when given one (one per column).
char* RenderBinaryInto(BinaryFormat format, std::string_view value, char* out,
                       DateMemo* memo = nullptr);

// Appends `value`, one non-NULL field in `format`, to `out` as its canonical text (what
// PostgresRowReader makes of the text protocol's value). Returns false, appending nothing
// useful, when `value` is not a well-formed value of that format: a server that sends such a
// value is not speaking the protocol, and the caller fails the query.
bool RenderBinaryValue(BinaryFormat format, std::string_view value, std::string& out);

}  // namespace batuta::sources
