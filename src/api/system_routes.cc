#include "api/system_routes.h"

#include <nlohmann/json.hpp>

#include "api/openapi_spec.h"

namespace batuta::api {

using http::Method;
using http::Request;
using http::Response;

namespace {

// Liveness only: answers while the process serves HTTP, without touching the store, so an
// orchestrator does not restart batuta because a database is slow.
Response Healthz(const Request&) {
  static const std::string kBody = R"({"status":"ok"})";
  Response response;
  response.headers.emplace_back("Content-Type", "application/json");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = kBody;
  return response;
}

// Readiness: the store answers and its schema is the one this binary expects.
Response Readyz(Store& store) {
  if (auto ping = store.Ping(); !ping.ok()) {
    Error error = Error::Unavailable("store unreachable: " + ping.error().message);
    error.details = {{"check", "store"}};
    return http::ErrorResponse(error);
  }
  auto state = store.MigrationStatus();
  if (!state.ok()) {
    Error error = Error::Unavailable("cannot read migration state: " + state.error().message);
    error.details = {{"check", "migrations"}};
    return http::ErrorResponse(error);
  }
  if (!state->UpToDate()) {
    Error error = Error::Unavailable(state->problem ? state->problem->message
                                                    : "store migrations are pending");
    error.details = {{"check", "migrations"},
                     {"applied_version", state->applied_version},
                     {"latest_version", state->latest_version}};
    return http::ErrorResponse(error);
  }
  auto response = Response::Json(
      200,
      {{"status", "ready"}, {"store", store.Kind()}, {"schema_version", state->applied_version}});
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

}  // namespace

void AddSystemRoutes(RouteTable& routes, const ApiDependencies& deps) {
  // Memory-only handlers run inline on the I/O thread; /readyz queries the store.
  routes.Add(
      Method::kGet, "/healthz", http::kPublic,
      [](const Request& request, const auth::Principal*) { return Healthz(request); },
      http::Execution::kInline);
  routes.Add(
      Method::kGet, "/readyz", http::kPublic,
      [&store = deps.store](const Request&, const auth::Principal*) { return Readyz(store); });
  routes.Add(
      Method::kGet, "/api/v1/version", http::kPublic,
      [version = deps.version](const Request&, const auth::Principal*) {
        return Response::Json(200, {{"name", "batuta"}, {"version", version}});
      },
      http::Execution::kInline);
  routes.Add(
      Method::kGet, "/api/v1/openapi.json", http::kPublic,
      [](const Request&, const auth::Principal*) {
        return Response::Text(200, std::string(OpenApiJson()), "application/json");
      },
      http::Execution::kInline);
}

}  // namespace batuta::api
