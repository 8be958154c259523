#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth/authenticator.h"
#include "auth/principal.h"
#include "http/router.h"

namespace batuta::api {

// A handler of an API route: the request and the caller, who is null only on kPublic routes.
using GuardedHandler =
    std::function<http::Response(const http::Request&, const auth::Principal* caller)>;

// A Server-Sent Events handler of an API route (see http::SseHandler); `caller` as above.
using GuardedSseHandler = std::function<std::optional<http::Response>(
    const http::Request&, const auth::Principal* caller, std::shared_ptr<http::SseStream>)>;

// The only way API routes enter the router: each row names its permission, and its handler is
// wrapped so that authentication, the permission check and the CSRF check happen before the
// handler runs (deny by default: a handler never sees a caller who may not call it).
class RouteTable {
 public:
  RouteTable(http::Router& router, auth::Authenticator& authenticator)
      : router_(router), authenticator_(authenticator) {}

  // Asserts that `permission` is a known one (auth/roles.h).
  void Add(http::Method method, std::string path, http::Permission permission,
           GuardedHandler handler, http::Execution execution = http::Execution::kPool);
  // A GET route answered with Server-Sent Events, guarded the same way (an unauthorized
  // caller gets the error response, never a stream).
  void AddStream(std::string path, http::Permission permission, GuardedSseHandler handler);

 private:
  http::Router& router_;
  auth::Authenticator& authenticator_;
};

// http::ErrorResponse plus the headers some errors call for: Retry-After when
// details.retry_after_seconds is set, WWW-Authenticate on 401.
http::Response ErrorReply(const Error& error);

}  // namespace batuta::api
