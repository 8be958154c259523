#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "rows/row.h"
#include "sources/postgres_binary.h"
#include "sources/sql_session.h"

namespace batuta::sources {

// How a column's value in the text protocol becomes its canonical form (rows::Cell).
enum class TextConversion {
  kAsIs,
  kBoolean,    // t / f → true / false
  kZonedTime,  // drop the +hh[:mm[:ss]] offset of timestamptz / timetz
  kHexBytes,   // drop the \x of bytea's hex output
};

// What batuta knows of one built-in PostgreSQL type.
struct PostgresType {
  Oid oid;
  std::string_view name;  // as format_type prints it: the column's source_type
  rows::ColumnType type;
  TextConversion text;
  BinaryFormat binary;  // kNone: fetched as text only
};

// The built-in type with this OID, or null for arrays, enums, domains, extensions' types
// (these are text, with source_type "oid N").
const PostgresType* FindPostgresType(Oid oid);

// One result column as batuta describes and reads it.
struct PostgresColumn {
  rows::Column column;
  TextConversion text = TextConversion::kAsIs;
  BinaryFormat binary = BinaryFormat::kNone;
};

// The columns of a result or of a described statement (PQdescribePrepared).
std::vector<PostgresColumn> DescribePostgresColumns(const PGresult* result);

// Calls request.on_progress when `delivered` is a multiple of request.progress_every. Inline:
// called for every row.
inline void ReportPostgresProgress(const QueryRequest& request, std::uint64_t delivered) {
  if (request.progress_every > 0 && delivered % request.progress_every == 0 &&
      request.on_progress) {
    request.on_progress(delivered);
  }
}

}  // namespace batuta::sources
