#include "api/json_body.h"

#include <fmt/format.h>

#include <charconv>

namespace batuta::api {
namespace {

Error WrongType(std::string_view field, std::string_view expected) {
  return Error::Validation(std::string(field), fmt::format("'{}' must be {}", field, expected));
}

const nlohmann::json* Find(const nlohmann::json& body, std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

// Reads exactly `digits` decimal digits at `pos`.
std::optional<int> Digits(std::string_view text, std::size_t pos, std::size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  const auto* begin = text.data() + pos;
  const auto [end, ec] = std::from_chars(begin, begin + digits, value);
  if (ec != std::errc() || end != begin + digits) return std::nullopt;
  return value;
}

}  // namespace

Result<nlohmann::json> JsonObjectBody(const http::Request& request) {
  const auto type = request.Header("Content-Type");
  if (!type || !http::EqualsIgnoreCase(type->substr(0, 16), "application/json")) {
    return Error{ErrorCode::kUnsupportedMedia, "send the body as application/json", {}};
  }
  auto body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return Error::InvalidArgument("the body is not valid JSON");
  if (!body.is_object()) return Error::InvalidArgument("the body must be a JSON object");
  return body;
}

Result<nlohmann::json> OptionalJsonObjectBody(const http::Request& request) {
  if (request.body.empty()) return nlohmann::json::object();
  return JsonObjectBody(request);
}

Result<std::string> RequiredString(const nlohmann::json& body, std::string_view field) {
  const auto* value = Find(body, field);
  if (value == nullptr) {
    return Error::Validation(std::string(field), fmt::format("'{}' is required", field));
  }
  if (!value->is_string()) return WrongType(field, "a string");
  return value->get<std::string>();
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& body,
                                                  std::string_view field) {
  const auto* value = Find(body, field);
  if (value == nullptr) return std::optional<std::string>();
  if (!value->is_string()) return WrongType(field, "a string");
  return std::optional<std::string>(value->get<std::string>());
}

Result<std::optional<bool>> OptionalBool(const nlohmann::json& body, std::string_view field) {
  const auto* value = Find(body, field);
  if (value == nullptr) return std::optional<bool>();
  if (!value->is_boolean()) return WrongType(field, "true or false");
  return std::optional<bool>(value->get<bool>());
}

Result<std::optional<std::vector<std::string>>> OptionalStringList(const nlohmann::json& body,
                                                                   std::string_view field) {
  const auto* value = Find(body, field);
  if (value == nullptr) return std::optional<std::vector<std::string>>();
  if (!value->is_array()) return WrongType(field, "a list of strings");
  std::vector<std::string> items;
  for (const auto& item : *value) {
    if (!item.is_string()) return WrongType(field, "a list of strings");
    items.push_back(item.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(items));
}

Result<std::optional<TimePoint>> OptionalTime(const nlohmann::json& body, std::string_view field) {
  auto text = OptionalString(body, field);
  if (!text.ok()) return std::move(text).error();
  if (!*text) return std::optional<TimePoint>();
  const auto parsed = ParseRfc3339(**text);
  if (!parsed) return WrongType(field, "an RFC 3339 time such as 2026-12-31T23:59:59Z");
  return std::optional<TimePoint>(*parsed);
}

std::optional<TimePoint> ParseRfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  const auto hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  std::size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    long long scale = 100'000'000;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction += std::chrono::nanoseconds((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    // UTC
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') &&
             text[pos + 3] == ':') {
    const auto offset_hours = Digits(text, pos + 1, 2), offset_minutes = Digits(text, pos + 4, 2);
    if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) {
      return std::nullopt;
    }
    offset = std::chrono::hours(*offset_hours) + std::chrono::minutes(*offset_minutes);
    if (text[pos] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  const auto local = std::chrono::sys_days{date} + std::chrono::hours(*hour) +
                     std::chrono::minutes(*minute) + std::chrono::seconds(*second);
  return std::chrono::time_point_cast<TimePoint::duration>(local - offset + fraction);
}

}  // namespace batuta::api
