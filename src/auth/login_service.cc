#include "auth/login_service.h"

#include <spdlog/spdlog.h>

#include "auth/password_policy.h"

namespace batuta::auth {
namespace {

Error WrongCredentials() {
  return {
      ErrorCode::kUnauthenticated, "wrong username or password", {{"reason", "wrong_credentials"}}};
}

}  // namespace

LoginService::LoginService(Store& store, const Clock& clock, PasswordHasher& hasher,
                           LoginThrottle& throttle, SessionService& sessions, AuditTrail& audit)
    : store_(store),
      clock_(clock),
      hasher_(hasher),
      throttle_(throttle),
      sessions_(sessions),
      audit_(audit) {}

Result<UserRecord> LoginService::CheckPassword(std::string_view username, std::string_view password,
                                               const http::Request& request,
                                               std::string_view action) {
  const std::string claimed(username.substr(0, 64));
  if (auto wait = throttle_.RetryAfter(username, request.remote_address)) {
    spdlog::info("auth: throttled sign-in attempt for '{}' from {}", claimed,
                 request.remote_address);
    return Error{ErrorCode::kRateLimited,
                 "too many failed attempts; wait before trying again",
                 {{"retry_after_seconds", wait->count()}}};
  }
  if (username.empty() || username.size() > 64 || password.size() > kMaxPasswordLength) {
    throttle_.RecordFailure(username, request.remote_address);
    (void)audit_.Record(Actor::Anonymous(claimed, request), action, "user", "", "failure",
                        {{"reason", "malformed"}});
    return WrongCredentials();
  }
  auto user = store_.Users().FindByUsername(username);
  if (!user.ok()) return std::move(user).error();
  auto verdict = user->has_value() ? hasher_.Verify((*user)->password_hash, password)
                                   : hasher_.VerifyNothing(password);
  if (!verdict.ok()) {
    // Busy is not the user's failure; a stored value that is not an Argon2 hash (damaged row)
    // must still answer like any wrong password, so it does not reveal that the user exists.
    if (verdict.error().code != ErrorCode::kInvalidArgument) return std::move(verdict).error();
    spdlog::error("auth: the stored password hash of a user is not an Argon2 hash");
    verdict = PasswordHasher::Verdict{};
  }
  if (!user->has_value() || !verdict->matches || !(*user)->active) {
    throttle_.RecordFailure(username, request.remote_address);
    const std::string reason =
        !user->has_value() ? "unknown_user" : (!verdict->matches ? "wrong_password" : "inactive");
    (void)audit_.Record(Actor::Anonymous(claimed, request), action, "user",
                        user->has_value() ? (*user)->id : "", "failure", {{"reason", reason}});
    return WrongCredentials();
  }
  UserRecord found = std::move(**user);
  throttle_.RecordSuccess(username);
  if (verdict->needs_rehash) {
    auto rehashed = hasher_.Hash(password);
    if (rehashed.ok()) {
      auto replaced = store_.Users().ReplacePasswordHash(found.id, found.password_hash, *rehashed);
      if (!replaced.ok())
        spdlog::warn("auth: re-hashing a password failed: {}", replaced.error().message);
    }
  }
  found.password_hash.clear();
  return found;
}

Result<LoginService::SignedIn> LoginService::Login(std::string_view username,
                                                   std::string_view password,
                                                   const http::Request& request) {
  auto user = CheckPassword(username, password, request, "auth.login");
  if (!user.ok()) return std::move(user).error();
  auto session = sessions_.Start(user->id, request);
  if (!session.ok()) return std::move(session).error();
  const TimePoint now = clock_.Now();
  (void)store_.Users().RecordLogin(user->id, now);
  user->last_login_at = now;
  (void)audit_.Record({"user", user->id, user->username, request.remote_address}, "auth.login",
                      "user", user->id, "success");
  return SignedIn{std::move(user).value(), std::move(session).value()};
}

Status LoginService::Logout(const Principal& principal, const http::Request& request) {
  if (const auto id = SessionService::CookieValue(request)) {
    BATUTA_RETURN_IF_ERROR(sessions_.End(*id));
  }
  (void)audit_.Record(Actor::Of(principal, request), "auth.logout", "user", principal.user.id,
                      "success");
  return Ok();
}

Result<LoginService::SignedIn> LoginService::ChangeOwnPassword(const Principal& principal,
                                                               std::string_view current_password,
                                                               std::string_view new_password,
                                                               const http::Request& request) {
  auto checked =
      CheckPassword(principal.user.username, current_password, request, "user.password_change");
  if (!checked.ok()) {
    if (checked.error().code == ErrorCode::kUnauthenticated) {
      // The caller is signed in: a wrong current password is a field error, not a sign-out.
      return Error::Validation("current_password", "the current password is wrong");
    }
    return std::move(checked).error();
  }
  BATUTA_RETURN_IF_ERROR(CheckNewPassword(new_password, principal.user.username, "new_password"));
  auto hash = hasher_.Hash(new_password);
  if (!hash.ok()) return std::move(hash).error();
  BATUTA_RETURN_IF_ERROR(store_.Users().SetPassword(principal.user.id, *hash, clock_.Now()));
  (void)audit_.Record(Actor::Of(principal, request), "user.password_change", "user",
                      principal.user.id, "success");
  auto session = sessions_.Start(principal.user.id, request);
  if (!session.ok()) return std::move(session).error();
  auto user = store_.Users().FindById(principal.user.id);
  if (!user.ok()) return std::move(user).error();
  if (!user->has_value()) return Error::NotFound("the user no longer exists");
  (*user)->password_hash.clear();
  return SignedIn{std::move(**user), std::move(session).value()};
}

}  // namespace batuta::auth
