#pragma once

#include <optional>
#include <string_view>

#include "auth/api_key_service.h"
#include "auth/principal.h"
#include "auth/session_service.h"
#include "core/result.h"
#include "http/request.h"
#include "http/route.h"

namespace batuta::auth {

// Decides, for each request, who is calling and whether they may call this route.
//
// Credentials, in order: an API key (Authorization: Bearer / X-API-Key), else the session
// cookie. A presented API key that is not valid is an error (401), never a silent fall-back
// to anonymous; a stale session cookie is just no session.
//
// CSRF: a request authenticated by the session cookie with an unsafe method (anything but
// GET, HEAD, OPTIONS) must carry X-CSRF-Token equal to the session's token and an Origin
// header naming this server (the authority in Host). API-key requests are exempt: a browser
// never adds those headers by itself.
class Authenticator {
 public:
  Authenticator(SessionService& sessions, ApiKeyService& api_keys);

  // The caller, or nullopt for an anonymous one.
  Result<std::optional<Principal>> Identify(const http::Request& request);

  // For a route requiring `permission`: kPublic needs nothing (and identifies nobody);
  // otherwise kUnauthenticated without valid credentials, kPermissionDenied when the caller
  // lacks the permission or fails the CSRF check.
  Result<std::optional<Principal>> Authorize(const http::Request& request,
                                             http::Permission permission);

  // True when the request's Origin header is absent or names this server. Used for sign-in,
  // which has no session yet but must not be driven by a foreign page (login CSRF).
  static bool OriginMatchesHost(const http::Request& request, bool required);

 private:
  SessionService& sessions_;
  ApiKeyService& api_keys_;
};

}  // namespace batuta::auth
