#include "http/router.h"

#include <cassert>

namespace batuta::http {
namespace {

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches `path` against `pattern`, appending parameters to `params` on success.
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::vector<std::pair<std::string, std::string>>* params) {
  const auto pattern_segments = SplitPath(pattern);
  const auto path_segments = SplitPath(path);
  if (pattern_segments.size() != path_segments.size()) return false;
  for (std::size_t i = 0; i < pattern_segments.size(); ++i) {
    const auto p = pattern_segments[i];
    if (IsParam(p)) {
      if (path_segments[i].empty()) return false;
      continue;
    }
    if (p != path_segments[i]) return false;
  }
  if (params != nullptr) {
    for (std::size_t i = 0; i < pattern_segments.size(); ++i) {
      const auto p = pattern_segments[i];
      if (IsParam(p)) {
        params->emplace_back(std::string(p.substr(1, p.size() - 2)), std::string(path_segments[i]));
      }
    }
  }
  return true;
}

}  // namespace

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

void Router::Add(Route route) {
  for (const auto& existing : routes_) {
    assert(!(existing.method == route.method && existing.path == route.path) &&
           "duplicate route");
    (void)existing;
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(Request& request) const {
  Match match;
  const Method wanted = request.method == Method::kHead ? Method::kGet : request.method;
  for (const auto& route : routes_) {
    if (!MatchPattern(route.path, request.path, nullptr)) continue;
    match.path_exists = true;
    if (route.method == wanted && match.route == nullptr) {
      match.route = &route;
      MatchPattern(route.path, request.path, &request.path_params);
    }
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += MethodName(route.method);
    if (route.method == Method::kGet) match.allow += ", HEAD";
  }
  return match;
}

}  // namespace batuta::http
