#include "sources/postgres_rows.h"

#include <string>
#include <string_view>

namespace batuta::sources {

using rows::ColumnType;

// How a column's text from the server becomes its canonical form (rows::Cell).
enum class PostgresRowReader::Conversion {
  kAsIs,
  kBoolean,    // t / f → true / false
  kZonedTime,  // drop the +hh[:mm[:ss]] offset of timestamptz / timetz
  kHexBytes,   // drop the \x of bytea's hex output
};

namespace {

struct TypeInfo {
  Oid oid;
  std::string_view name;
  ColumnType type;
  PostgresRowReader::Conversion conversion;
};

// Built-in type OIDs (stable across PostgreSQL versions; src/include/catalog/pg_type.dat).
// Types not listed (arrays, enums, domains, extensions) are text with source_type "oid N".
using C = PostgresRowReader::Conversion;
constexpr TypeInfo kTypes[] = {
    {16, "boolean", ColumnType::kBoolean, C::kBoolean},
    {17, "bytea", ColumnType::kBytes, C::kHexBytes},
    {18, "char", ColumnType::kText, C::kAsIs},
    {19, "name", ColumnType::kText, C::kAsIs},
    {20, "bigint", ColumnType::kInteger, C::kAsIs},
    {21, "smallint", ColumnType::kInteger, C::kAsIs},
    {23, "integer", ColumnType::kInteger, C::kAsIs},
    {25, "text", ColumnType::kText, C::kAsIs},
    {26, "oid", ColumnType::kInteger, C::kAsIs},
    {114, "json", ColumnType::kText, C::kAsIs},
    {142, "xml", ColumnType::kText, C::kAsIs},
    {650, "cidr", ColumnType::kText, C::kAsIs},
    {700, "real", ColumnType::kNumber, C::kAsIs},
    {701, "double precision", ColumnType::kNumber, C::kAsIs},
    {705, "unknown", ColumnType::kText, C::kAsIs},
    {790, "money", ColumnType::kText, C::kAsIs},
    {829, "macaddr", ColumnType::kText, C::kAsIs},
    {869, "inet", ColumnType::kText, C::kAsIs},
    {1042, "character", ColumnType::kText, C::kAsIs},
    {1043, "character varying", ColumnType::kText, C::kAsIs},
    {1082, "date", ColumnType::kDate, C::kAsIs},
    {1083, "time without time zone", ColumnType::kTime, C::kAsIs},
    {1114, "timestamp without time zone", ColumnType::kTimestamp, C::kAsIs},
    {1184, "timestamp with time zone", ColumnType::kTimestamp, C::kZonedTime},
    {1186, "interval", ColumnType::kText, C::kAsIs},
    {1266, "time with time zone", ColumnType::kTime, C::kZonedTime},
    {1560, "bit", ColumnType::kText, C::kAsIs},
    {1562, "bit varying", ColumnType::kText, C::kAsIs},
    {1700, "numeric", ColumnType::kNumber, C::kAsIs},
    {2950, "uuid", ColumnType::kText, C::kAsIs},
    {3802, "jsonb", ColumnType::kText, C::kAsIs},
};

const TypeInfo* FindType(Oid oid) {
  for (const TypeInfo& info : kTypes) {
    if (info.oid == oid) return &info;
  }
  return nullptr;
}

// Cuts the UTC offset off "2024-05-01 10:00:00.5+02" / "10:00:00+05:30". Values PostgreSQL
// prints without an offset (infinity) or with a BC suffix are left as they are.
std::string_view DropOffset(std::string_view text) {
  if (text.ends_with(" BC")) return text;
  const std::size_t time_start = text.find(' ') == std::string_view::npos ? 0 : text.find(' ');
  const std::size_t offset = text.find_first_of("+-", time_start);
  return offset == std::string_view::npos ? text : text.substr(0, offset);
}

}  // namespace

Status PostgresRowReader::Begin(const PGresult* result) {
  if (begun_) return Ok();
  begun_ = true;
  const int count = PQnfields(result);
  std::vector<rows::Column> columns;
  columns.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const Oid oid = PQftype(result, i);
    const TypeInfo* info = FindType(oid);
    columns.push_back({PQfname(result, i), info ? info->type : ColumnType::kText,
                       info ? std::string(info->name) : "oid " + std::to_string(oid)});
    conversions_.push_back(info ? info->conversion : Conversion::kAsIs);
  }
  cells_.resize(columns.size());
  return sink_.Begin(columns);
}

Status PostgresRowReader::Deliver(const PGresult* result) {
  BATUTA_RETURN_IF_ERROR(Begin(result));
  const int row_count = PQntuples(result);
  for (int row = 0; row < row_count; ++row) {
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      const int column = static_cast<int>(i);
      if (PQgetisnull(result, row, column)) {
        cells_[i] = rows::Cell::Null();
        continue;
      }
      std::string_view text(PQgetvalue(result, row, column),
                            static_cast<std::size_t>(PQgetlength(result, row, column)));
      switch (conversions_[i]) {
        case Conversion::kAsIs:
          break;
        case Conversion::kBoolean:
          text = text == "t" ? "true" : "false";
          break;
        case Conversion::kZonedTime:
          text = DropOffset(text);
          break;
        case Conversion::kHexBytes:
          if (text.starts_with("\\x")) text.remove_prefix(2);
          break;
      }
      cells_[i] = rows::Cell::Of(text);
    }
    BATUTA_RETURN_IF_ERROR(sink_.Row(cells_));
    ++delivered_;
    if (request_.on_progress && request_.progress_every > 0 &&
        delivered_ % request_.progress_every == 0) {
      request_.on_progress(delivered_);
    }
  }
  return Ok();
}

}  // namespace batuta::sources
