#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/request.h"

namespace batuta::api {

// The request body as a JSON object: kUnsupportedMedia unless Content-Type is
// application/json, kInvalidArgument when it does not parse or is not an object.
Result<nlohmann::json> JsonObjectBody(const http::Request& request);
// The same for routes whose body may be left out: an empty body (whatever its Content-Type)
// is an empty object.
Result<nlohmann::json> OptionalJsonObjectBody(const http::Request& request);

// Field readers for a JSON object. A missing field is nullopt (or kValidation when required);
// a field of the wrong type is kValidation naming it.
Result<std::string> RequiredString(const nlohmann::json& body, std::string_view field);
Result<std::optional<std::string>> OptionalString(const nlohmann::json& body,
                                                  std::string_view field);
Result<std::optional<bool>> OptionalBool(const nlohmann::json& body, std::string_view field);
Result<std::optional<std::vector<std::string>>> OptionalStringList(const nlohmann::json& body,
                                                                   std::string_view field);
// An RFC 3339 time ("2026-12-31T23:59:59Z", offsets allowed).
Result<std::optional<TimePoint>> OptionalTime(const nlohmann::json& body, std::string_view field);

// Parses RFC 3339 text (for query parameters too); nullopt when malformed.
std::optional<TimePoint> ParseRfc3339(std::string_view text);

}  // namespace batuta::api
