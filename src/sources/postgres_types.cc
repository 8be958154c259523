#include "sources/postgres_types.h"

#include <string>

namespace batuta::sources {
namespace {

using rows::ColumnType;
using B = BinaryFormat;
using T = TextConversion;

// Built-in type OIDs (stable across PostgreSQL versions; src/include/catalog/pg_type.dat).
// A binary format is listed only where postgres_binary.cc reproduces the text output exactly;
// "char", xml, float4/8, money, timestamptz, timetz, interval and the network and bit types
// keep a query on the text protocol (see postgres_binary.h).
constexpr PostgresType kTypes[] = {
    {16, "boolean", ColumnType::kBoolean, T::kBoolean, B::kBoolean},
    {17, "bytea", ColumnType::kBytes, T::kHexBytes, B::kBytes},
    {18, "char", ColumnType::kText, T::kAsIs, B::kNone},
    {19, "name", ColumnType::kText, T::kAsIs, B::kText},
    {20, "bigint", ColumnType::kInteger, T::kAsIs, B::kInt8},
    {21, "smallint", ColumnType::kInteger, T::kAsIs, B::kInt2},
    {23, "integer", ColumnType::kInteger, T::kAsIs, B::kInt4},
    {25, "text", ColumnType::kText, T::kAsIs, B::kText},
    {26, "oid", ColumnType::kInteger, T::kAsIs, B::kOid},
    {114, "json", ColumnType::kText, T::kAsIs, B::kText},
    {142, "xml", ColumnType::kText, T::kAsIs, B::kNone},
    {650, "cidr", ColumnType::kText, T::kAsIs, B::kNone},
    {700, "real", ColumnType::kNumber, T::kAsIs, B::kNone},
    {701, "double precision", ColumnType::kNumber, T::kAsIs, B::kNone},
    {705, "unknown", ColumnType::kText, T::kAsIs, B::kNone},
    {790, "money", ColumnType::kText, T::kAsIs, B::kNone},
    {829, "macaddr", ColumnType::kText, T::kAsIs, B::kNone},
    {869, "inet", ColumnType::kText, T::kAsIs, B::kNone},
    {1042, "character", ColumnType::kText, T::kAsIs, B::kText},
    {1043, "character varying", ColumnType::kText, T::kAsIs, B::kText},
    {1082, "date", ColumnType::kDate, T::kAsIs, B::kDate},
    {1083, "time without time zone", ColumnType::kTime, T::kAsIs, B::kTime},
    {1114, "timestamp without time zone", ColumnType::kTimestamp, T::kAsIs, B::kTimestamp},
    {1184, "timestamp with time zone", ColumnType::kTimestamp, T::kZonedTime, B::kNone},
    {1186, "interval", ColumnType::kText, T::kAsIs, B::kNone},
    {1266, "time with time zone", ColumnType::kTime, T::kZonedTime, B::kNone},
    {1560, "bit", ColumnType::kText, T::kAsIs, B::kNone},
    {1562, "bit varying", ColumnType::kText, T::kAsIs, B::kNone},
    {1700, "numeric", ColumnType::kNumber, T::kAsIs, B::kNumeric},
    {2950, "uuid", ColumnType::kText, T::kAsIs, B::kUuid},
    {3802, "jsonb", ColumnType::kText, T::kAsIs, B::kJsonb},
};

}  // namespace

const PostgresType* FindPostgresType(Oid oid) {
  for (const PostgresType& type : kTypes) {
    if (type.oid == oid) return &type;
  }
  return nullptr;
}

std::vector<PostgresColumn> DescribePostgresColumns(const PGresult* result) {
  const int count = PQnfields(result);
  std::vector<PostgresColumn> columns;
  columns.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const Oid oid = PQftype(result, i);
    const PostgresType* type = FindPostgresType(oid);
    if (type == nullptr) {
      columns.push_back({{PQfname(result, i), ColumnType::kText, "oid " + std::to_string(oid)}});
      continue;
    }
    columns.push_back(
        {{PQfname(result, i), type->type, std::string(type->name)}, type->text, type->binary});
  }
  return columns;
}

}  // namespace batuta::sources
