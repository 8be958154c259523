#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "rows/row.h"
#include "sources/postgres_types.h"
#include "sources/sql_session.h"

namespace batuta::sources {

// Reads the stream of a `COPY (query) TO STDOUT (FORMAT binary)` and hands its rows to a
// RowSink as the same canonical cells PostgresRowReader makes of the text protocol
// (postgres_binary.h renders each value as the server's text output would print it).
//
// The stream is fed as it arrives, one CopyData message at a time; the reader does not rely on
// messages holding whole rows (the server sends one row per message, the signature with the
// first). Text values are handed on without a copy.
class PostgresCopyReader {
 public:
  // Nullopt when every column of `description` (a described statement) has a binary
  // rendering, so its rows can come through a binary COPY; otherwise why not ("column 2 (price)
  // is double precision, which has no exact binary rendering"; a statement without columns).
  static std::optional<std::string> Unreadable(const PGresult* description);

  PostgresCopyReader(rows::RowSink& sink, const QueryRequest& request)
      : sink_(sink), request_(request) {}

  // Begins the sink with the described statement's columns (Unreadable must have been nullopt).
  Status Begin(const PGresult* description);
  // The next bytes of the stream. Returns the sink's first error, or kUnavailable when the
  // bytes are not a binary COPY stream of the described columns.
  Status Feed(std::string_view bytes);
  // After the server has ended the COPY: kUnavailable if the stream stopped short of its
  // trailer.
  Status Finish() const;

  std::uint64_t delivered() const { return delivered_; }

 private:
  // Parses as many whole rows from the start of `bytes` as it holds; returns the bytes used.
  Result<std::size_t> ParseAll(std::string_view bytes);
  // Parses the header or one row (or the trailer) at the start of `bytes`. Returns the bytes
  // it used, 0 when `bytes` does not hold the whole of it yet.
  Result<std::size_t> ParseOne(std::string_view bytes);
  Result<std::size_t> ParseHeader(std::string_view bytes);
  Result<std::size_t> ParseRow(std::string_view bytes);

  rows::RowSink& sink_;
  const QueryRequest& request_;
  std::vector<BinaryFormat> formats_;
  std::vector<rows::Cell> cells_;
  std::vector<std::string_view> fields_;  // of the row being parsed; null data: NULL
  std::vector<DateMemo> date_memos_;      // one per column
  std::string rendered_;  // room for the row's rendered (non-text) values; only grows
  std::string pending_;   // the start of a row (or header) whose rest has not arrived
  bool header_read_ = false;
  bool finished_ = false;  // the trailer was read
  std::uint64_t delivered_ = 0;
};

}  // namespace batuta::sources
