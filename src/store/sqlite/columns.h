#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/sqlite/statement.h"

namespace batuta::sqlite {

// Binding and reading the value kinds the repositories share: times as text (time_text.h) and
// optional values as NULL.
Status BindTime(Statement& statement, int index, TimePoint t);
Status BindOptionalTime(Statement& statement, int index, const std::optional<TimePoint>& t);
Status BindOptionalText(Statement& statement, int index, const std::optional<std::string>& text);

Result<TimePoint> ColumnTime(const Statement& statement, int column);
Result<std::optional<TimePoint>> ColumnOptionalTime(const Statement& statement, int column);
std::optional<std::string> ColumnOptionalText(const Statement& statement, int column);

}  // namespace batuta::sqlite
