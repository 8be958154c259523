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

void AddSystemRoutes(http::Router& router, const ApiDependencies& deps) {
  // Memory-only handlers run inline on the I/O thread; /readyz queries the store.
  router.Add(
      {Method::kGet, "/healthz", http::kPublic, http::Handler(Healthz), http::Execution::kInline});
  router.Add({Method::kGet, "/readyz", http::kPublic,
              http::Handler([&store = deps.store](const Request&) { return Readyz(store); })});
  router.Add({Method::kGet, "/api/v1/version", http::kPublic,
              http::Handler([version = deps.version](const Request&) {
                return Response::Json(200, {{"name", "batuta"}, {"version", version}});
              }),
              http::Execution::kInline});
  router.Add({Method::kGet, "/api/v1/openapi.json", http::kPublic,
              http::Handler([](const Request&) {
                return Response::Text(200, std::string(OpenApiJson()), "application/json");
              }),
              http::Execution::kInline});
}

}  // namespace batuta::api
