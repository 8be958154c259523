#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace batuta::http {

// One element of an Accept-Encoding value (RFC 9110 section 12.5.3).
struct CodingPreference {
  std::string coding;  // lower case; "x-gzip" is reported as "gzip"; "*" for the wildcard
  int quality = 1000;  // the q-value in thousandths: "q=0.5" is 500
};

// Parses a comma-separated Accept-Encoding value. Elements with a malformed q-value are
// dropped (as if not sent); other parameters are ignored.
std::vector<CodingPreference> ParseAcceptEncoding(std::string_view value);

// The quality the client gives `coding` (lower case): its own element, else "*", else 1000
// for "identity" (always acceptable unless refused explicitly) and 0 for anything else.
int CodingQuality(const std::vector<CodingPreference>& preferences, std::string_view coding);

// Whether a gzip response suits the client: every Accept-Encoding line of the request taken
// together gives gzip a non-zero quality, not below that of an explicitly listed identity.
// No Accept-Encoding at all: false (identity), which is what clients that send none expect.
bool AcceptsGzip(const Request& request);

}  // namespace batuta::http
