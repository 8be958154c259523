#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/route.h"

namespace batuta::http {

// The route table. Built once at start-up, then read concurrently by all I/O threads
// (const after Freeze-free construction: do not Add while serving).
class Router {
 public:
  // Adds a route. Asserts that no route with the same method and pattern exists.
  void Add(Route route);
  const std::vector<Route>& Routes() const { return routes_; }

  // Handler for GET/HEAD requests that match no route (the web app's files).
  void SetFallback(Handler fallback) { fallback_ = std::move(fallback); }
  const Handler& Fallback() const { return fallback_; }

  struct Match {
    const Route* route = nullptr;  // null when nothing matched method + path
    bool path_exists = false;      // true when the path matched (under any method)
    std::string allow;             // when only other methods matched: "GET, HEAD" for 405
  };
  // Matches a decoded path. Fills request.path_params on success. HEAD matches GET routes.
  Match Find(Request& request) const;
  // Every method some route has for a decoded path, "GET, HEAD, POST" (HEAD with GET);
  // empty when no route has the path.
  std::string AllowedMethods(std::string_view path) const;

 private:
  std::vector<Route> routes_;
  // routes_[i].path split into segments, computed once in Add (matching is per request).
  std::vector<std::vector<std::string>> segments_;
  Handler fallback_;
};

// Splits "/a/{b}/c" into segments; exposed for tests and the OpenAPI check.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace batuta::http
