#include "http/router.h"

#include <cassert>

namespace batuta::http {
namespace {

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches request segments against a route's pattern segments, appending the parameters to
// `params` on success.
bool MatchSegments(const std::vector<std::string>& pattern,
                   const std::vector<std::string_view>& path,
                   std::vector<std::pair<std::string, std::string>>* params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (path[i].empty()) return false;
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  if (params != nullptr) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (IsParam(pattern[i])) {
        params->emplace_back(pattern[i].substr(1, pattern[i].size() - 2), std::string(path[i]));
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
    assert(!(existing.method == route.method && existing.path == route.path) && "duplicate route");
    (void)existing;
  }
  std::vector<std::string> segments;
  for (auto segment : SplitPath(route.path)) segments.emplace_back(segment);
  segments_.push_back(std::move(segments));
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(Request& request) const {
  Match match;
  const Method wanted = request.method == Method::kHead ? Method::kGet : request.method;
  const auto path = SplitPath(request.path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method != wanted || !MatchSegments(segments_[i], path, nullptr)) continue;
    match.route = &routes_[i];
    match.path_exists = true;
    MatchSegments(segments_[i], path, &request.path_params);
    return match;
  }
  // Not found under this method: collect the methods the path has, for 405 and Allow.
  match.allow = AllowedMethods(request.path);
  match.path_exists = !match.allow.empty();
  return match;
}

std::string Router::AllowedMethods(std::string_view decoded_path) const {
  const auto path = SplitPath(decoded_path);
  std::string allow;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!MatchSegments(segments_[i], path, nullptr)) continue;
    if (!allow.empty()) allow += ", ";
    allow += MethodName(routes_[i].method);
    if (routes_[i].method == Method::kGet) allow += ", HEAD";
  }
  return allow;
}

}  // namespace batuta::http
