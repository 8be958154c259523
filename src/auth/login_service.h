#pragma once

#include <string_view>

#include "auth/audit_trail.h"
#include "auth/login_throttle.h"
#include "auth/password_hasher.h"
#include "auth/principal.h"
#include "auth/session_service.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/request.h"
#include "store/store.h"

namespace batuta::auth {

// Signing in and changing one's own password: the two places a password is checked.
//
// Every failure answers the same kUnauthenticated "wrong username or password", whether the
// user is unknown, deactivated or the password wrong, and takes the same time (an unknown
// user still costs one Argon2 verification). Attempts are throttled per username and per
// client address before any hashing (kRateLimited with details.retry_after_seconds). A
// successful sign-in re-hashes the password when the hash parameters changed. Every checked
// attempt is audited (never with the password); throttled ones are only logged, so a flood of
// guesses cannot flood the append-only audit log. Thread-safe.
class LoginService {
 public:
  LoginService(Store& store, const Clock& clock, PasswordHasher& hasher, LoginThrottle& throttle,
               SessionService& sessions, AuditTrail& audit);

  struct SignedIn {
    UserRecord user;  // password_hash cleared
    SessionService::Started session;
  };
  Result<SignedIn> Login(std::string_view username, std::string_view password,
                         const http::Request& request);

  Status Logout(const Principal& principal, const http::Request& request);

  // Checks `current_password`, sets `new_password` (ending every session of the user,
  // this one included) and starts a new session for the caller.
  Result<SignedIn> ChangeOwnPassword(const Principal& principal, std::string_view current_password,
                                     std::string_view new_password, const http::Request& request);

 private:
  // kOk with the user when `password` is theirs; the uniform failure otherwise.
  Result<UserRecord> CheckPassword(std::string_view username, std::string_view password,
                                   const http::Request& request, std::string_view action);

  Store& store_;
  const Clock& clock_;
  PasswordHasher& hasher_;
  LoginThrottle& throttle_;
  SessionService& sessions_;
  AuditTrail& audit_;
};

}  // namespace batuta::auth
