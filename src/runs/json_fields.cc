#include "runs/json_fields.h"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace batuta::runs {
namespace {

const nlohmann::json* Find(const nlohmann::json& object, std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<int> Number(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string FieldPath(std::string_view path, std::string_view field) {
  if (path.empty()) return std::string(field);
  return fmt::format("{}.{}", path, field);
}

Status RefuseUnknownFields(const nlohmann::json& object, std::string_view path,
                           std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Error::Validation(FieldPath(path, key), fmt::format("unknown field '{}'", key));
    }
  }
  return Ok();
}

Result<std::string> ReadString(const nlohmann::json& object, std::string_view path,
                               std::string_view field, bool required) {
  const auto* value = Find(object, field);
  if (value == nullptr) {
    if (required) return Error::Validation(FieldPath(path, field), "is required");
    return std::string();
  }
  if (!value->is_string()) return Error::Validation(FieldPath(path, field), "must be a string");
  return value->get<std::string>();
}

Result<bool> ReadBool(const nlohmann::json& object, std::string_view path, std::string_view field,
                      bool fallback) {
  const auto* value = Find(object, field);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) {
    return Error::Validation(FieldPath(path, field), "must be true or false");
  }
  return value->get<bool>();
}

Result<std::int64_t> ReadInteger(const nlohmann::json& object, std::string_view path,
                                 std::string_view field, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) {
  const auto* value = Find(object, field);
  if (value == nullptr) return fallback;
  if (!value->is_number_integer() ||
      (value->is_number_unsigned() &&
       value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) ||
      value->get<std::int64_t>() < min || value->get<std::int64_t>() > max) {
    return Error::Validation(FieldPath(path, field),
                             fmt::format("must be an integer from {} to {}", min, max));
  }
  return value->get<std::int64_t>();
}

Result<std::vector<std::string>> ReadStringList(const nlohmann::json& object, std::string_view path,
                                                std::string_view field, std::size_t max_items) {
  const auto* value = Find(object, field);
  std::vector<std::string> items;
  if (value == nullptr) return items;
  if (!value->is_array() || value->size() > max_items ||
      !std::all_of(value->begin(), value->end(),
                   [](const auto& item) { return item.is_string(); })) {
    return Error::Validation(FieldPath(path, field),
                             fmt::format("must be a list of at most {} strings", max_items));
  }
  for (const auto& item : *value) items.push_back(item.get<std::string>());
  return items;
}

bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  const auto year = Number(text.substr(0, 4));
  const auto month = Number(text.substr(5, 2));
  const auto day = Number(text.substr(8, 2));
  if (!year || !month || !day) return false;
  const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                 date::day{static_cast<unsigned>(*day)}};
  return ymd.ok();
}

}  // namespace batuta::runs
