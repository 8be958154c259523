#include "rows/row.h"

#include <array>
#include <utility>

namespace batuta::rows {
namespace {

constexpr std::array<std::pair<ColumnType, std::string_view>, 8> kNames{{
    {ColumnType::kText, "text"},
    {ColumnType::kInteger, "integer"},
    {ColumnType::kNumber, "number"},
    {ColumnType::kBoolean, "boolean"},
    {ColumnType::kDate, "date"},
    {ColumnType::kTime, "time"},
    {ColumnType::kTimestamp, "timestamp"},
    {ColumnType::kBytes, "bytes"},
}};

}  // namespace

std::string_view ColumnTypeName(ColumnType type) {
  for (const auto& [value, name] : kNames) {
    if (value == type) return name;
  }
  return "text";
}

std::optional<ColumnType> ParseColumnType(std::string_view name) {
  for (const auto& [value, type_name] : kNames) {
    if (type_name == name) return value;
  }
  return std::nullopt;
}

}  // namespace batuta::rows
