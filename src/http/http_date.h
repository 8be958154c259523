#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace batuta::http {

// HTTP dates (RFC 9110 section 5.6.7), whole seconds, UTC.

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". Independent of the C locale.
std::string FormatHttpDate(std::chrono::system_clock::time_point time);

// Parses the three forms recipients must accept: IMF-fixdate, RFC 850
// ("Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year more than 50 years ahead is in the
// past century) and asctime ("Sun Nov  6 08:49:37 1994"). The weekday is not checked.
// nullopt for anything else, so a malformed conditional header is ignored, as RFC 9110 asks.
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view text);

}  // namespace batuta::http
