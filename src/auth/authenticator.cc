#include "auth/authenticator.h"

#include <fmt/format.h>

#include "auth/crypto.h"

namespace batuta::auth {
namespace {

bool IsSafeMethod(http::Method method) {
  return method == http::Method::kGet || method == http::Method::kHead ||
         method == http::Method::kOptions;
}

Error Denied(std::string message, std::string_view reason) {
  return {ErrorCode::kPermissionDenied, std::move(message), {{"reason", reason}}};
}

UserRecord WithoutSecrets(UserRecord user) {
  user.password_hash.clear();
  return user;
}

Role RoleOrLowest(std::string_view name) { return ParseRole(name).value_or(Role::kViewer); }

}  // namespace

Authenticator::Authenticator(SessionService& sessions, ApiKeyService& api_keys)
    : sessions_(sessions), api_keys_(api_keys) {}

Result<std::optional<Principal>> Authenticator::Identify(const http::Request& request) {
  if (auto key = ApiKeyService::Presented(request)) {
    auto match = api_keys_.Resolve(*key, request.remote_address);
    if (!match.ok()) return std::move(match).error();
    Principal principal;
    principal.via = Principal::Via::kApiKey;
    principal.role = RoleOrLowest(match->owner.role);
    principal.key_role = RoleOrLowest(match->key.role);
    principal.user = WithoutSecrets(std::move(match->owner));
    principal.api_key = std::move(match->key);
    principal.api_key->key_hash.clear();
    return std::optional<Principal>(std::move(principal));
  }
  const auto id = SessionService::CookieValue(request);
  if (!id) return std::optional<Principal>();
  auto session = sessions_.Resolve(*id);
  if (!session.ok()) return std::move(session).error();
  if (!session->has_value()) return std::optional<Principal>();
  Principal principal;
  principal.via = Principal::Via::kSession;
  principal.role = RoleOrLowest((*session)->user.role);
  principal.user = WithoutSecrets(std::move((*session)->user));
  principal.session = std::move((*session)->session);
  principal.csrf_token = sessions_.CsrfToken(*id);
  return std::optional<Principal>(std::move(principal));
}

Result<std::optional<Principal>> Authenticator::Authorize(const http::Request& request,
                                                          http::Permission permission) {
  if (permission == http::kPublic) return std::optional<Principal>();
  auto identified = Identify(request);
  if (!identified.ok()) return identified;
  if (!identified->has_value()) {
    return Error{ErrorCode::kUnauthenticated,
                 "sign in or send an API key to use this",
                 {{"reason", "no_credentials"}}};
  }
  const Principal& principal = **identified;
  if (!principal.Has(permission.name)) {
    if (principal.via == Principal::Via::kApiKey &&
        permission.name == permissions::kAccountSelf.name) {
      return Denied("this needs a signed-in session; API keys cannot manage accounts or keys",
                    "session_required");
    }
    return Denied(
        fmt::format("this needs the permission '{}', which {} does not have", permission.name,
                    principal.via == Principal::Via::kApiKey ? "this API key" : "your role"),
        "missing_permission");
  }
  if (principal.via == Principal::Via::kSession && !IsSafeMethod(request.method)) {
    if (!OriginMatchesHost(request, /*required=*/true)) {
      return Denied("the request's Origin is missing or is not this server", "csrf_origin");
    }
    const auto token = request.Header("X-CSRF-Token");
    if (!token || !ConstantTimeEquals(*token, principal.csrf_token)) {
      return Denied("missing or wrong X-CSRF-Token header", "csrf_token");
    }
  }
  return identified;
}

bool Authenticator::OriginMatchesHost(const http::Request& request, bool required) {
  const auto origin = request.Header("Origin");
  if (!origin) return !required;
  const auto host = request.Header("Host");
  if (!host || host->empty()) return false;
  // Origin is "scheme://authority" with no path; the authority must equal Host.
  const auto separator = origin->find("://");
  if (separator == std::string_view::npos) return false;
  const std::string_view scheme = origin->substr(0, separator);
  const std::string_view authority = origin->substr(separator + 3);
  if (scheme != (request.secure ? "https" : "http") && scheme != "https") return false;
  return http::EqualsIgnoreCase(authority, *host);
}

}  // namespace batuta::auth
