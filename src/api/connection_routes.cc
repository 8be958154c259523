#include <nlohmann/json.hpp>

#include "api/data_routes.h"
#include "api/json_body.h"
#include "auth/audit_trail.h"
#include "auth/roles.h"
#include "connections/connection_kinds.h"
#include "connections/connection_service.h"

namespace batuta::api {
namespace {

using connections::ConnectionService;
using http::Method;
using http::Request;
using http::Response;

nlohmann::json OutcomeJson(const connections::TestOutcome& outcome) {
  return {
      {"ok", outcome.ok}, {"message", outcome.message}, {"elapsed_ms", outcome.elapsed.count()}};
}

Response List(ConnectionService& service) {
  auto list = service.List();
  if (!list.ok()) return ErrorReply(list.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& record : *list) out.push_back(ConnectionService::ToJson(record));
  return Response::Json(200, {{"connections", std::move(out)}});
}

Response Create(ConnectionService& service, const Request& request, const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auto created = service.Create(*body, auth::Actor::Of(caller, request));
  if (!created.ok()) return ErrorReply(created.error());
  return Response::Json(201, ConnectionService::ToJson(*created));
}

Response Get(ConnectionService& service, const Request& request) {
  auto record = service.Get(request.PathParam("id"));
  if (!record.ok()) return ErrorReply(record.error());
  return Response::Json(200, ConnectionService::ToJson(*record));
}

Response Update(ConnectionService& service, const Request& request, const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auto updated = service.Update(request.PathParam("id"), *body, auth::Actor::Of(caller, request));
  if (!updated.ok()) return ErrorReply(updated.error());
  return Response::Json(200, ConnectionService::ToJson(*updated));
}

Response Delete(ConnectionService& service, const Request& request, const auth::Principal& caller) {
  auto deleted = service.Delete(request.PathParam("id"), auth::Actor::Of(caller, request));
  if (!deleted.ok()) return ErrorReply(deleted.error());
  return Response::NoContent();
}

Response Test(ConnectionService& service, const Request& request, const auth::Principal& caller) {
  auto outcome = service.Test(request.PathParam("id"), auth::Actor::Of(caller, request));
  if (!outcome.ok()) return ErrorReply(outcome.error());
  return Response::Json(200, OutcomeJson(*outcome));
}

// {"connection": <create or update body>, "base_id"?: id of the stored connection it edits}
Response TestDraft(ConnectionService& service, const Request& request,
                   const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  std::optional<std::string> base_id;
  nlohmann::json draft = nlohmann::json::object();
  for (const auto& [key, value] : body->items()) {
    if (key == "connection" && value.is_object()) {
      draft = value;
    } else if (key == "base_id" && value.is_string()) {
      base_id = value.get<std::string>();
    } else if (key == "base_id" && value.is_null()) {
      continue;
    } else {
      return ErrorReply(Error::Validation(
          key, "expected {\"connection\": {...}, \"base_id\": \"<id>\" (optional)}"));
    }
  }
  auto outcome = service.TestDraft(draft, base_id, auth::Actor::Of(caller, request));
  if (!outcome.ok()) return ErrorReply(outcome.error());
  return Response::Json(200, OutcomeJson(*outcome));
}

}  // namespace

void AddConnectionRoutes(RouteTable& routes, const ApiDependencies& deps) {
  ConnectionService* service = &deps.connections;
  const auto read = auth::permissions::kConnectionsRead;
  const auto write = auth::permissions::kConnectionsWrite;
  routes.Add(Method::kGet, "/api/v1/connection-kinds", read,
             [](const Request&, const auth::Principal*) {
               return Response::Json(200, {{"kinds", connections::KindsToJson()}});
             });
  routes.Add(Method::kGet, "/api/v1/connections", read,
             [service](const Request&, const auth::Principal*) { return List(*service); });
  routes.Add(Method::kPost, "/api/v1/connections", write,
             [service](const Request& request, const auth::Principal* caller) {
               return Create(*service, request, *caller);
             });
  routes.Add(Method::kPost, "/api/v1/connections/test", write,
             [service](const Request& request, const auth::Principal* caller) {
               return TestDraft(*service, request, *caller);
             });
  routes.Add(
      Method::kGet, "/api/v1/connections/{id}", read,
      [service](const Request& request, const auth::Principal*) { return Get(*service, request); });
  routes.Add(Method::kPut, "/api/v1/connections/{id}", write,
             [service](const Request& request, const auth::Principal* caller) {
               return Update(*service, request, *caller);
             });
  routes.Add(Method::kDelete, "/api/v1/connections/{id}", write,
             [service](const Request& request, const auth::Principal* caller) {
               return Delete(*service, request, *caller);
             });
  routes.Add(Method::kPost, "/api/v1/connections/{id}/test", write,
             [service](const Request& request, const auth::Principal* caller) {
               return Test(*service, request, *caller);
             });
}

}  // namespace batuta::api
