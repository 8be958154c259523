#include "api/identity_json.h"
#include "api/identity_routes.h"
#include "api/json_body.h"
#include "auth/roles.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

Response ListKeys(auth::AuthService& auth, const Request& request, const auth::Principal& caller) {
  const auto all = request.QueryParam("all");
  if (all && *all != "true" && *all != "false") {
    return ErrorReply(Error::Validation("all", "'all' must be true or false"));
  }
  auto keys = auth.api_keys().List(caller, request.QueryParam("user_id"), all == "true");
  if (!keys.ok()) return ErrorReply(keys.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& key : *keys) list.push_back(ApiKeyJson(key));
  return Response::Json(200, {{"api_keys", list}});
}

Response CreateKey(auth::AuthService& auth, const Request& request, const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auth::ApiKeyAdmin::NewKey key;
  auto name = RequiredString(*body, "name");
  if (!name.ok()) return ErrorReply(name.error());
  auto role = OptionalString(*body, "role");
  if (!role.ok()) return ErrorReply(role.error());
  auto datasets = OptionalStringList(*body, "datasets");
  if (!datasets.ok()) return ErrorReply(datasets.error());
  auto expires_at = OptionalTime(*body, "expires_at");
  if (!expires_at.ok()) return ErrorReply(expires_at.error());
  auto user_id = OptionalString(*body, "user_id");
  if (!user_id.ok()) return ErrorReply(user_id.error());
  key.name = std::move(name).value();
  key.role = std::move(role).value();
  key.datasets = std::move(datasets).value();
  key.expires_at = *expires_at;
  key.user_id = std::move(user_id).value();
  auto created = auth.api_keys().Create(caller, request, key);
  if (!created.ok()) return ErrorReply(created.error());
  auto json = ApiKeyJson(created->record);
  json["key"] = created->key;
  auto response = Response::Json(201, json);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

}  // namespace

void AddApiKeyRoutes(RouteTable& routes, auth::AuthService& auth) {
  const auto self = auth::permissions::kAccountSelf;
  routes.Add(Method::kGet, "/api/v1/api-keys", self,
             [&auth](const Request& request, const auth::Principal* caller) {
               return ListKeys(auth, request, *caller);
             });
  routes.Add(Method::kPost, "/api/v1/api-keys", self,
             [&auth](const Request& request, const auth::Principal* caller) {
               return CreateKey(auth, request, *caller);
             });
  routes.Add(Method::kDelete, "/api/v1/api-keys/{id}", self,
             [&auth](const Request& request, const auth::Principal* caller) {
               auto revoked = auth.api_keys().Revoke(*caller, request, request.PathParam("id"));
               if (!revoked.ok()) return ErrorReply(revoked.error());
               return Response::NoContent();
             });
}

}  // namespace batuta::api
