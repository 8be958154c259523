#include "store/sqlite/columns.h"

#include <fmt/format.h>

#include "store/sqlite/time_text.h"

namespace batuta::sqlite {

Status BindTime(Statement& statement, int index, TimePoint t) {
  return statement.Bind(index, TimeToText(t));
}

Status BindOptionalTime(Statement& statement, int index, const std::optional<TimePoint>& t) {
  if (!t) return statement.BindNull(index);
  return BindTime(statement, index, *t);
}

Status BindOptionalText(Statement& statement, int index, const std::optional<std::string>& text) {
  if (!text) return statement.BindNull(index);
  return statement.Bind(index, *text);
}

Status BindJson(Statement& statement, int index, const nlohmann::json& value) {
  return statement.Bind(index, value.dump());
}

Status BindBool(Statement& statement, int index, bool value) {
  return statement.Bind(index, std::int64_t{value ? 1 : 0});
}

Result<TimePoint> ColumnTime(const Statement& statement, int column) {
  return TimeFromText(statement.ColumnText(column));
}

Result<std::optional<TimePoint>> ColumnOptionalTime(const Statement& statement, int column) {
  if (statement.ColumnIsNull(column)) return std::optional<TimePoint>();
  auto t = ColumnTime(statement, column);
  if (!t.ok()) return std::move(t).error();
  return std::optional<TimePoint>(*t);
}

std::optional<std::string> ColumnOptionalText(const Statement& statement, int column) {
  if (statement.ColumnIsNull(column)) return std::nullopt;
  return statement.ColumnText(column);
}

Result<nlohmann::json> ColumnJson(const Statement& statement, int column, std::string_view what) {
  nlohmann::json value = nlohmann::json::parse(statement.ColumnText(column), nullptr, false);
  if (value.is_discarded()) return Error::Internal(fmt::format("{} is not JSON", what));
  return value;
}

}  // namespace batuta::sqlite
