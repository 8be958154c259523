#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace batuta::runs {

// Readers for fields of a JSON object inside a larger document. `path` is where the object
// sits ("" for the top, "policies.retries"); errors are kValidation naming the field's full
// path ("policies.retries.count") and the problem. A null field counts as missing.

// "path.field", or "field" at the top.
std::string FieldPath(std::string_view path, std::string_view field);

// kValidation naming the first field of `object` not in `known`.
Status RefuseUnknownFields(const nlohmann::json& object, std::string_view path,
                           std::initializer_list<std::string_view> known);

// A missing optional string reads as "".
Result<std::string> ReadString(const nlohmann::json& object, std::string_view path,
                               std::string_view field, bool required);
Result<bool> ReadBool(const nlohmann::json& object, std::string_view path, std::string_view field,
                      bool fallback);
// An integer in [min, max]; `fallback` when missing.
Result<std::int64_t> ReadInteger(const nlohmann::json& object, std::string_view path,
                                 std::string_view field, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max);
// A list of at most `max_items` strings; empty when missing.
Result<std::vector<std::string>> ReadStringList(const nlohmann::json& object, std::string_view path,
                                                std::string_view field, std::size_t max_items);

// "YYYY-MM-DD" naming a real calendar day.
bool IsIsoDate(std::string_view text);

}  // namespace batuta::runs
