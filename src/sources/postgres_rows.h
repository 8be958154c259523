#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "rows/row.h"
#include "sources/postgres_types.h"
#include "sources/sql_session.h"

namespace batuta::sources {

// Hands the rows of PostgreSQL text-format results to a RowSink: the columns (names, types
// from the built-in type OIDs) once, from the first result, then every row as canonical cells
// (rows/row.h: booleans true/false, timestamps without their UTC offset, bytea as hex digits).
// The results may hold one row (single-row mode) or many.
class PostgresRowReader {
 public:
  PostgresRowReader(rows::RowSink& sink, const QueryRequest& request)
      : sink_(sink), request_(request) {}

  // Begins the sink with `result`'s columns, once; later calls do nothing.
  Status Begin(const PGresult* result);
  // Begins if needed, then delivers every row of `result`, reporting progress every
  // request.progress_every rows. Returns the sink's first error (and delivers nothing more).
  Status Deliver(const PGresult* result);

  bool begun() const { return begun_; }
  std::uint64_t delivered() const { return delivered_; }

 private:
  rows::RowSink& sink_;
  const QueryRequest& request_;
  std::vector<TextConversion> conversions_;
  std::vector<rows::Cell> cells_;
  bool begun_ = false;
  std::uint64_t delivered_ = 0;
};

}  // namespace batuta::sources
