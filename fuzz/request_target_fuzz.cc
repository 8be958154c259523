// Fuzz target: everything the server does with an untrusted request target before a handler
// sees it — percent-decoding, query parsing, route matching and the static-file path guard.
// Invariants: no crash or sanitizer report; a path accepted as a safe asset path never holds a
// ".." segment or a backslash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "assets/static_files.h"
#include "http/request.h"
#include "http/router.h"

namespace {

const batuta::http::Router& TestRouter() {
  static const batuta::http::Router router = [] {
    batuta::http::Router r;
    auto ok = [](const batuta::http::Request&) { return batuta::http::Response::NoContent(); };
    r.Add({batuta::http::Method::kGet, "/api/v1/runs/{id}/events", batuta::http::kPublic, ok});
    r.Add({batuta::http::Method::kGet, "/api/v1/runs/{id}", batuta::http::kPublic, ok});
    r.Add({batuta::http::Method::kPost, "/api/v1/jobs", batuta::http::kPublic, ok});
    return r;
  }();
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  const auto question = target.find('?');
  batuta::http::Request request;
  auto path = batuta::http::PercentDecode(target.substr(0, question), false);
  if (!path) return 0;
  request.path = *path;
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  (void)request.QueryParam("after");
  (void)TestRouter().Find(request);
  if (batuta::assets::IsSafeAssetPath(request.path)) {
    if (request.path.find("/../") != std::string::npos || request.path.ends_with("/..") ||
        request.path.find('\\') != std::string::npos) {
      __builtin_trap();
    }
  }
  return 0;
}
