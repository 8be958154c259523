#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace batuta::http {

// Cross-origin access for an allowlist of exact origins ("https://bi.example.com"), so pages
// on those origins may call the API with an API key. Credentials are never allowed
// cross-origin (no Access-Control-Allow-Credentials): the session cookie stays same-origin,
// so another site cannot act with a signed-in user's session. Immutable after construction;
// safe to use from any thread.
class CorsPolicy {
 public:
  CorsPolicy() = default;
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  // False when the allowlist is empty: no CORS header is ever added, OPTIONS is routed as
  // any other method.
  bool Enabled() const { return !allowed_origins_.empty(); }

  // A CORS preflight: OPTIONS carrying Origin and Access-Control-Request-Method.
  static bool IsPreflight(const Request& request);

  // Headers for the response to `request`: Vary: Origin whenever CORS is enabled (the answer
  // depends on Origin, so caches must key on it), plus Access-Control-Allow-Origin and
  // Access-Control-Expose-Headers when Origin is exactly an allowed origin.
  HeaderList ResponseHeaders(const Request& request) const;

  // The answer to a preflight, before any route handler runs (preflights carry no
  // credentials): 403 for an origin not on the list, 404 when no route has the path
  // (`path_methods` empty), else 204 with the path's methods, the request headers the API
  // reads and how long the browser may cache the answer.
  Response AnswerPreflight(const Request& request, std::string_view path_methods) const;

 private:
  bool Allowed(std::string_view origin) const;

  std::vector<std::string> allowed_origins_;
};

}  // namespace batuta::http
