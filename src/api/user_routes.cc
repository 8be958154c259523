#include "api/identity_json.h"
#include "api/identity_routes.h"
#include "api/json_body.h"
#include "auth/roles.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

Response ListUsers(auth::AuthService& auth) {
  auto users = auth.store().Users().List();
  if (!users.ok()) return ErrorReply(users.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& user : *users) list.push_back(UserJson(user));
  return Response::Json(200, {{"users", list}});
}

Response CreateUser(auth::AuthService& auth, const Request& request,
                    const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auth::UserAdmin::NewUser user;
  auto username = RequiredString(*body, "username");
  if (!username.ok()) return ErrorReply(username.error());
  auto role = RequiredString(*body, "role");
  if (!role.ok()) return ErrorReply(role.error());
  auto password = RequiredString(*body, "password");
  if (!password.ok()) return ErrorReply(password.error());
  auto display_name = OptionalString(*body, "display_name");
  if (!display_name.ok()) return ErrorReply(display_name.error());
  user.username = std::move(username).value();
  user.role = std::move(role).value();
  user.password = std::move(password).value();
  user.display_name = display_name->value_or("");
  auto created = auth.users().Create(auth::Actor::Of(caller, request), user);
  if (!created.ok()) return ErrorReply(created.error());
  return Response::Json(201, UserJson(*created));
}

Response GetUser(auth::AuthService& auth, const Request& request) {
  auto user = auth.store().Users().FindById(request.PathParam("id"));
  if (!user.ok()) return ErrorReply(user.error());
  if (!user->has_value()) return ErrorReply(Error::NotFound("no such user"));
  return Response::Json(200, UserJson(**user));
}

Response UpdateUser(auth::AuthService& auth, const Request& request,
                    const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  UserChanges changes;
  auto display_name = OptionalString(*body, "display_name");
  if (!display_name.ok()) return ErrorReply(display_name.error());
  auto role = OptionalString(*body, "role");
  if (!role.ok()) return ErrorReply(role.error());
  auto active = OptionalBool(*body, "active");
  if (!active.ok()) return ErrorReply(active.error());
  changes.display_name = *display_name;
  changes.role = *role;
  changes.active = *active;
  auto updated =
      auth.users().Update(auth::Actor::Of(caller, request), request.PathParam("id"), changes);
  if (!updated.ok()) return ErrorReply(updated.error());
  return Response::Json(200, UserJson(*updated));
}

Response ResetPassword(auth::AuthService& auth, const Request& request,
                       const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auto password = RequiredString(*body, "new_password");
  if (!password.ok()) return ErrorReply(password.error());
  auto reset = auth.users().ResetPassword(auth::Actor::Of(caller, request), request.PathParam("id"),
                                          *password);
  if (!reset.ok()) return ErrorReply(reset.error());
  return Response::NoContent();
}

}  // namespace

void AddUserRoutes(RouteTable& routes, auth::AuthService& auth) {
  const auto admin = auth::permissions::kUsersAdmin;
  routes.Add(Method::kGet, "/api/v1/users", admin,
             [&auth](const Request&, const auth::Principal*) { return ListUsers(auth); });
  routes.Add(Method::kPost, "/api/v1/users", admin,
             [&auth](const Request& request, const auth::Principal* caller) {
               return CreateUser(auth, request, *caller);
             });
  routes.Add(
      Method::kGet, "/api/v1/users/{id}", admin,
      [&auth](const Request& request, const auth::Principal*) { return GetUser(auth, request); });
  routes.Add(Method::kPatch, "/api/v1/users/{id}", admin,
             [&auth](const Request& request, const auth::Principal* caller) {
               return UpdateUser(auth, request, *caller);
             });
  routes.Add(Method::kPost, "/api/v1/users/{id}/password", admin,
             [&auth](const Request& request, const auth::Principal* caller) {
               return ResetPassword(auth, request, *caller);
             });
}

}  // namespace batuta::api
