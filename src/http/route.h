#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "http/request.h"
#include "http/response.h"
#include "http/sse.h"

namespace batuta::http {

// The permission a route requires, by name ("public", later "jobs.read", ...). Every route
// declares one; there is no default, so forgetting it does not compile.
struct Permission {
  std::string_view name;
  friend bool operator==(const Permission&, const Permission&) = default;
};
inline constexpr Permission kPublic{"public"};

// A handler returns a complete response. It may throw, in which case the client gets a 500
// and the log the reason. Where it runs is the route's Execution.
using Handler = std::function<Response(const Request&)>;

// kPool (the default): on the server's handler pool, so a handler may block on the store or
// a slow computation without stalling the other connections of its event loop.
// kInline: on the connection's I/O thread, for handlers that only touch memory (health,
// version); saves two thread hops per request.
enum class Execution { kPool, kInline };

// A streaming handler answers with Server-Sent Events. It runs inline and returns quickly after
// keeping the stream (a shared_ptr) wherever events come from; the stream stays open until Close(),
// the client disconnects, or the server stops. It may instead return an error response before any
// event is sent (for example 404 for an unknown run).
using SseHandler =
    std::function<std::optional<Response>(const Request&, std::shared_ptr<SseStream>)>;

// One row of the route table. `path` is literal segments and "{name}" parameters:
// "/api/v1/runs/{id}/events".
struct Route {
  Method method;
  std::string path;
  Permission permission;
  std::variant<Handler, SseHandler> handler;
  Execution execution = Execution::kPool;  // for Handler routes
};

}  // namespace batuta::http
