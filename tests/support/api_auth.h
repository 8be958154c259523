#pragma once

// Signing in to a running batuta as a browser does (session cookie + CSRF token, see
// docs/security.md) and minting API keys, for end-to-end tests.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http_client.h"

namespace batuta::testing {

inline const std::string kJsonContentType = "Content-Type: application/json";
// The Origin a page served by the test server sends (the server's Host is 127.0.0.1).
inline const std::string kSameOrigin = "Origin: http://127.0.0.1";

// A signed-in browser: its session cookie and CSRF token.
struct Session {
  std::string cookie;  // "batuta_session=..."
  std::string csrf;
  // What a same-origin page sends with an unsafe request: cookie, CSRF token, Origin, JSON.
  std::vector<std::string> Headers() const {
    return {"Cookie: " + cookie, "X-CSRF-Token: " + csrf, kSameOrigin, kJsonContentType};
  }
};

// POST /api/v1/auth/login, whatever the answer.
HttpReply Login(std::uint16_t port, std::string_view username, std::string_view password);

// The session a sign-in (or a password change) reply established; empty fields when it set
// none.
Session SessionOf(const HttpReply& reply);

// Signs in; throws std::runtime_error (failing the test) unless the server answers 200.
Session SignIn(std::uint16_t port, std::string_view username, std::string_view password);

// Creates an API key through `session` (POST /api/v1/api-keys) and returns its secret, shown
// only in this reply. Throws std::runtime_error unless the server answers 201.
std::string CreateApiKey(std::uint16_t port, const Session& session, std::string_view name,
                         std::string_view role);

}  // namespace batuta::testing
