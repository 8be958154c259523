#include "api/identity_json.h"
#include "api/identity_routes.h"
#include "api/json_body.h"
#include "auth/roles.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

Response SignedInResponse(const auth::LoginService::SignedIn& signed_in, const Request& request,
                          const auth::SessionService& sessions) {
  auto response = Response::Json(200, MeJson(signed_in.user, signed_in.session.csrf_token,
                                             signed_in.session.record.expires_at));
  response.SetHeader("Set-Cookie", sessions.SetCookie(signed_in.session.id, request.secure));
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

Response Login(auth::AuthService& auth, const Request& request) {
  // Sign-in has no session to protect yet, but a foreign page must not sign a browser in to
  // an account of the attacker's choosing (login CSRF).
  if (!auth::Authenticator::OriginMatchesHost(request, /*required=*/false)) {
    return ErrorReply({ErrorCode::kPermissionDenied,
                       "the request's Origin is not this server",
                       {{"reason", "csrf_origin"}}});
  }
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auto username = RequiredString(*body, "username");
  if (!username.ok()) return ErrorReply(username.error());
  auto password = RequiredString(*body, "password");
  if (!password.ok()) return ErrorReply(password.error());
  auto signed_in = auth.login().Login(*username, *password, request);
  if (!signed_in.ok()) return ErrorReply(signed_in.error());
  return SignedInResponse(*signed_in, request, auth.sessions());
}

Response Logout(auth::AuthService& auth, const Request& request, const auth::Principal& caller) {
  if (auto ended = auth.login().Logout(caller, request); !ended.ok()) {
    return ErrorReply(ended.error());
  }
  auto response = Response::NoContent();
  response.SetHeader("Set-Cookie", auth::SessionService::ClearCookie(request.secure));
  return response;
}

Response ChangePassword(auth::AuthService& auth, const Request& request,
                        const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auto current = RequiredString(*body, "current_password");
  if (!current.ok()) return ErrorReply(current.error());
  auto fresh = RequiredString(*body, "new_password");
  if (!fresh.ok()) return ErrorReply(fresh.error());
  auto signed_in = auth.login().ChangeOwnPassword(caller, *current, *fresh, request);
  if (!signed_in.ok()) return ErrorReply(signed_in.error());
  return SignedInResponse(*signed_in, request, auth.sessions());
}

Response Roles() {
  nlohmann::json roles = nlohmann::json::array();
  for (const auth::Role role : auth::AllRoles()) {
    nlohmann::json permissions = nlohmann::json::array();
    for (const auto& permission : auth::PermissionsOf(role)) permissions.push_back(permission.name);
    roles.push_back({{"name", auth::RoleName(role)},
                     {"description", auth::RoleDescription(role)},
                     {"permissions", permissions}});
  }
  return Response::Json(200, {{"roles", roles}});
}

}  // namespace

void AddAuthRoutes(RouteTable& routes, auth::AuthService& auth) {
  routes.Add(
      Method::kPost, "/api/v1/auth/login", http::kPublic,
      [&auth](const Request& request, const auth::Principal*) { return Login(auth, request); });
  routes.Add(Method::kPost, "/api/v1/auth/logout", auth::permissions::kAccountSelf,
             [&auth](const Request& request, const auth::Principal* caller) {
               return Logout(auth, request, *caller);
             });
  routes.Add(Method::kGet, "/api/v1/auth/me", auth::permissions::kAuthenticated,
             [](const Request&, const auth::Principal* caller) {
               auto response = Response::Json(200, MeJson(*caller));
               response.SetHeader("Cache-Control", "no-store");
               return response;
             });
  routes.Add(Method::kPost, "/api/v1/auth/password", auth::permissions::kAccountSelf,
             [&auth](const Request& request, const auth::Principal* caller) {
               return ChangePassword(auth, request, *caller);
             });
  routes.Add(Method::kGet, "/api/v1/roles", auth::permissions::kAuthenticated,
             [](const Request&, const auth::Principal*) { return Roles(); });
}

}  // namespace batuta::api
