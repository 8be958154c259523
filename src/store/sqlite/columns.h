#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/sqlite/statement.h"

namespace batuta::sqlite {

// Binding and reading the value kinds the repositories share: times as text (time_text.h),
// JSON documents as text, booleans as 0/1 and optional values as NULL.
Status BindTime(Statement& statement, int index, TimePoint t);
Status BindOptionalTime(Statement& statement, int index, const std::optional<TimePoint>& t);
Status BindOptionalText(Statement& statement, int index, const std::optional<std::string>& text);
Status BindJson(Statement& statement, int index, const nlohmann::json& value);
Status BindBool(Statement& statement, int index, bool value);

Result<TimePoint> ColumnTime(const Statement& statement, int column);
Result<std::optional<TimePoint>> ColumnOptionalTime(const Statement& statement, int column);
std::optional<std::string> ColumnOptionalText(const Statement& statement, int column);
// kInternal naming `what` (e.g. "runs.result") when the text is not JSON: the store only reads
// what it wrote, so that is a damaged row.
Result<nlohmann::json> ColumnJson(const Statement& statement, int column, std::string_view what);

}  // namespace batuta::sqlite
