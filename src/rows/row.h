#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace batuta::rows {

// The vocabulary shared by everything that produces or consumes tabular data: SQL sources
// stream rows into a RowSink; the CSV writer, the row index and the data API consume them.

// A column's logical type, mapped from the database's own type by each source.
enum class ColumnType {
  kText,
  kInteger,
  kNumber,  // exact or floating numerics
  kBoolean,
  kDate,
  kTime,
  kTimestamp,
  kBytes,
};

// Stable lower-case names ("text", "integer", "number", "boolean", "date", "time",
// "timestamp", "bytes"), used in JSON (artifact column lists, the data API).
std::string_view ColumnTypeName(ColumnType type);
std::optional<ColumnType> ParseColumnType(std::string_view name);

struct Column {
  std::string name;
  ColumnType type = ColumnType::kText;
  std::string source_type;  // the database's own type name ("numeric", "VARCHAR2"); informative
};

// One cell of the row being delivered. Null, or `text` in the canonical form of its column's
// type, which every source guarantees:
//   integer    -?[0-9]+
//   number     -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)? with '.' as decimal point, or NaN,
//              Infinity, -Infinity
//   boolean    true | false
//   date       YYYY-MM-DD
//   time       HH:MM:SS(.f+)?
//   timestamp  YYYY-MM-DD HH:MM:SS(.f+)? (wall time in the query session's time zone)
//   bytes      lower-case hex
//   text       any bytes; sources deliver UTF-8 where the database declares its encoding, but
//              consumers must not assume validity (SQLite stores whatever it was given)
// The view is valid only during the RowSink::Row call that carries it.
struct Cell {
  std::string_view text;
  bool is_null = false;

  static Cell Null() { return {{}, true}; }
  static Cell Of(std::string_view text) { return {text, false}; }
};

// Receives a result set: Begin once with the columns, then Row per row, in order. Returning
// an error from either stops the producer, which then returns that same error (so a full disk
// or an unmappable character ends the query with the consumer's message).
// Called from one thread at a time (the producer's, or the consumer thread of a
// runners::PipelinedSink); implementations need not be thread-safe.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status Begin(std::span<const Column> columns) = 0;
  virtual Status Row(std::span<const Cell> cells) = 0;
};

}  // namespace batuta::rows
