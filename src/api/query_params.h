#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "http/request.h"

namespace batuta::api {

// Readers for query parameters. A missing parameter is nullopt (or the default); a malformed
// one is kValidation naming the parameter (details.field), so a client never gets a 500 for
// a bad query.

// `limit`-style page sizes: an integer from 1 to `max`; `default_value` when absent.
Result<int> QueryLimit(const http::Request& request, std::string_view name, int default_value,
                       int max);
// A non-negative integer (cursors, sequence numbers).
Result<std::optional<std::int64_t>> QueryNonNegativeInteger(const http::Request& request,
                                                            std::string_view name);
// "true" or "false".
Result<std::optional<bool>> QueryBool(const http::Request& request, std::string_view name);
// An RFC 3339 time.
Result<std::optional<TimePoint>> QueryTime(const http::Request& request, std::string_view name);

// Every query parameter, percent-decoded ('+' as space), repeated ones included ("filter" may
// come several times). kInvalidArgument naming the parameter for a malformed escape.
Result<std::multimap<std::string, std::string>> AllQueryParams(const http::Request& request);

// A non-negative decimal integer with nothing around it; nullopt otherwise (also on overflow).
std::optional<std::int64_t> ParseNonNegativeInteger(std::string_view text);

}  // namespace batuta::api
