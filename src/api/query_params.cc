#include "api/query_params.h"

#include <fmt/format.h>

#include <charconv>

#include "api/json_body.h"

namespace batuta::api {

std::optional<std::int64_t> ParseNonNegativeInteger(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

Result<int> QueryLimit(const http::Request& request, std::string_view name, int default_value,
                       int max) {
  const auto text = request.QueryParam(name);
  if (!text) return default_value;
  const auto value = ParseNonNegativeInteger(*text);
  if (!value || *value < 1 || *value > max) {
    return Error::Validation(std::string(name),
                             fmt::format("'{}' must be an integer from 1 to {}", name, max));
  }
  return static_cast<int>(*value);
}

Result<std::optional<std::int64_t>> QueryNonNegativeInteger(const http::Request& request,
                                                            std::string_view name) {
  const auto text = request.QueryParam(name);
  if (!text) return std::optional<std::int64_t>();
  const auto value = ParseNonNegativeInteger(*text);
  if (!value) {
    return Error::Validation(std::string(name),
                             fmt::format("'{}' must be a non-negative integer", name));
  }
  return std::optional<std::int64_t>(*value);
}

Result<std::optional<bool>> QueryBool(const http::Request& request, std::string_view name) {
  const auto text = request.QueryParam(name);
  if (!text) return std::optional<bool>();
  if (*text == "true") return std::optional<bool>(true);
  if (*text == "false") return std::optional<bool>(false);
  return Error::Validation(std::string(name), fmt::format("'{}' must be true or false", name));
}

Result<std::optional<TimePoint>> QueryTime(const http::Request& request, std::string_view name) {
  const auto text = request.QueryParam(name);
  if (!text) return std::optional<TimePoint>();
  const auto parsed = ParseRfc3339(*text);
  if (!parsed) {
    return Error::Validation(
        std::string(name),
        fmt::format("'{}' must be an RFC 3339 time such as 2026-11-01T00:00:00Z", name));
  }
  return std::optional<TimePoint>(*parsed);
}

Result<std::multimap<std::string, std::string>> AllQueryParams(const http::Request& request) {
  std::multimap<std::string, std::string> params;
  std::string_view rest = request.query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = http::PercentDecode(pair.substr(0, eq), true);
    if (!key) {
      return Error{ErrorCode::kInvalidArgument,
                   "a query parameter name has a malformed percent-escape",
                   {{"field", std::string(pair.substr(0, eq))}}};
    }
    auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                              : http::PercentDecode(pair.substr(eq + 1), true);
    if (!value) {
      return Error{ErrorCode::kInvalidArgument,
                   fmt::format("query parameter '{}' has a malformed percent-escape", *key),
                   {{"field", *key}}};
    }
    params.emplace(std::move(*key), std::move(*value));
  }
  return params;
}

}  // namespace batuta::api
