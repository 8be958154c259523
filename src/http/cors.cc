#include "http/cors.h"

#include <fmt/format.h>

#include <algorithm>

namespace batuta::http {
namespace {

// What cross-origin callers send: API keys (either header), JSON bodies, SSE resumption and
// conditional requests.
constexpr std::string_view kAllowedRequestHeaders =
    "Authorization, X-API-Key, Content-Type, Last-Event-ID, If-None-Match";
// Response headers scripts on an allowed origin may read, beyond the CORS-safelisted ones.
constexpr std::string_view kExposedHeaders = "X-Request-Id, ETag, Content-Disposition";
constexpr std::string_view kPreflightMaxAgeSeconds = "600";

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins)
    : allowed_origins_(std::move(allowed_origins)) {}

bool CorsPolicy::IsPreflight(const Request& request) {
  return request.method == Method::kOptions && request.Header("Origin").has_value() &&
         request.Header("Access-Control-Request-Method").has_value();
}

bool CorsPolicy::Allowed(std::string_view origin) const {
  return std::find(allowed_origins_.begin(), allowed_origins_.end(), origin) !=
         allowed_origins_.end();
}

HeaderList CorsPolicy::ResponseHeaders(const Request& request) const {
  HeaderList headers;
  if (!Enabled()) return headers;
  headers.emplace_back("Vary", "Origin");
  const auto origin = request.Header("Origin");
  if (origin && Allowed(*origin)) {
    headers.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
    headers.emplace_back("Access-Control-Expose-Headers", std::string(kExposedHeaders));
  }
  return headers;
}

Response CorsPolicy::AnswerPreflight(const Request& request, std::string_view path_methods) const {
  const auto origin = request.Header("Origin").value_or("");
  if (!Allowed(origin)) {
    return ErrorResponse(Error{ErrorCode::kPermissionDenied,
                               fmt::format("origin '{}' may not call this server", origin)});
  }
  if (path_methods.empty()) {
    return ErrorResponse(Error::NotFound(fmt::format("no route for {}", request.path)));
  }
  Response response = Response::NoContent();
  response.SetHeader("Access-Control-Allow-Methods", std::string(path_methods));
  response.SetHeader("Access-Control-Allow-Headers", std::string(kAllowedRequestHeaders));
  response.SetHeader("Access-Control-Max-Age", std::string(kPreflightMaxAgeSeconds));
  return response;
}

}  // namespace batuta::http
