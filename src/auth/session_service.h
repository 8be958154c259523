#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "http/request.h"
#include "store/store.h"

namespace batuta::auth {

struct SessionOptions {
  std::chrono::seconds idle_timeout{std::chrono::hours(8)};
  std::chrono::seconds max_age{std::chrono::hours(24 * 7)};
  // last_seen_at is written at most this often per session (not on every request).
  std::chrono::seconds touch_interval{60};
};

// Server-side sessions behind a cookie.
//
// The session id is 256 random bits (base64url) sent only in the cookie; the store keeps its
// SHA-256. A session ends at its absolute expiry (max_age after sign-in), after idle_timeout
// without requests, at sign-out, and for all of a user's sessions when their password changes
// or they are deactivated (UserRepository does that; Resolve also refuses a session older than
// the last password change, in case a store lacks that cascade).
//
// The CSRF token of a session is an HMAC of its id under a per-instance secret, so it needs no
// storage and changes with the session. Thread-safe.
class SessionService {
 public:
  SessionService(Store& store, const Clock& clock, std::string csrf_secret,
                 SessionOptions options = {});

  struct Started {
    std::string id;  // the secret cookie value
    SessionRecord record;
    std::string csrf_token;
  };
  // A new session for `user_id` (a fresh id every sign-in: no fixation).
  Result<Started> Start(std::string_view user_id, const http::Request& request);

  // The live session of this id, with its user; nullopt when unknown, expired, idle too long,
  // older than the user's last password change, or the user is deactivated. Moves
  // last_seen_at forward (at most once per touch_interval).
  Result<std::optional<SessionWithUser>> Resolve(std::string_view id);

  Status End(std::string_view id);
  // Deletes expired and idle sessions; returns how many.
  Result<std::int64_t> Prune();

  std::string CsrfToken(std::string_view id) const;

  // Cookie handling. Over TLS the cookie is "__Host-batuta_session" with Secure (the prefix
  // makes browsers refuse it from a non-secure origin or with a Domain), otherwise
  // "batuta_session". Always HttpOnly, SameSite=Lax, Path=/.
  static std::string_view CookieName(bool secure);
  std::string SetCookie(std::string_view id, bool secure) const;
  static std::string ClearCookie(bool secure);
  // The session id from the request's Cookie headers, if any.
  static std::optional<std::string> CookieValue(const http::Request& request);

  const SessionOptions& options() const { return options_; }

 private:
  Store& store_;
  const Clock& clock_;
  const std::string csrf_secret_;
  const SessionOptions options_;
};

}  // namespace batuta::auth
