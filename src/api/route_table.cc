#include "api/route_table.h"

#include <cassert>

#include "auth/roles.h"

namespace batuta::api {

http::Response ErrorReply(const Error& error) {
  http::Response response = http::ErrorResponse(error);
  if (error.details.contains("retry_after_seconds") &&
      error.details["retry_after_seconds"].is_number_integer()) {
    response.SetHeader("Retry-After",
                       std::to_string(error.details["retry_after_seconds"].get<long long>()));
  }
  if (error.code == ErrorCode::kUnauthenticated) {
    response.SetHeader("WWW-Authenticate", R"(Bearer realm="batuta")");
  }
  return response;
}

void RouteTable::Add(http::Method method, std::string path, http::Permission permission,
                     GuardedHandler handler, http::Execution execution) {
  assert(auth::IsKnownPermission(permission.name) && "route declares an unknown permission");
  http::Handler guarded;
  if (permission == http::kPublic) {
    guarded = [handler = std::move(handler)](const http::Request& request) {
      return handler(request, nullptr);
    };
  } else {
    guarded = [handler = std::move(handler), permission,
               &authenticator = authenticator_](const http::Request& request) {
      auto caller = authenticator.Authorize(request, permission);
      if (!caller.ok()) return ErrorReply(caller.error());
      return handler(request, &**caller);
    };
  }
  router_.Add({method, std::move(path), permission, std::move(guarded), execution});
}

void RouteTable::AddStream(std::string path, http::Permission permission,
                           GuardedSseHandler handler) {
  assert(auth::IsKnownPermission(permission.name) && "route declares an unknown permission");
  assert(permission != http::kPublic && "streams carry run data: never public");
  http::SseHandler guarded =
      [handler = std::move(handler), permission, &authenticator = authenticator_](
          const http::Request& request,
          std::shared_ptr<http::SseStream> stream) -> std::optional<http::Response> {
    auto caller = authenticator.Authorize(request, permission);
    if (!caller.ok()) return ErrorReply(caller.error());
    return handler(request, &**caller, std::move(stream));
  };
  router_.Add({http::Method::kGet, std::move(path), permission, std::move(guarded)});
}

}  // namespace batuta::api
