#pragma once

#include <memory>
#include <string>

#include "auth/api_key_admin.h"
#include "auth/api_key_service.h"
#include "auth/audit_trail.h"
#include "auth/authenticator.h"
#include "auth/login_service.h"
#include "auth/login_throttle.h"
#include "auth/password_hasher.h"
#include "auth/session_service.h"
#include "auth/user_admin.h"
#include "core/clock.h"
#include "store/store.h"

namespace batuta::auth {

struct AuthOptions {
  PasswordHashParams password_hash;
  int max_parallel_hashes = 2;
  SessionOptions sessions;
  LoginThrottleOptions throttle;
};

// Owns and wires the identity services for one store. Everything is thread-safe; the store
// and clock must outlive it.
class AuthService {
 public:
  // Reads (or creates on first use) the instance's CSRF secret in the store's metadata.
  static Result<std::unique_ptr<AuthService>> Create(Store& store, const Clock& clock,
                                                     AuthOptions options = {});

  PasswordHasher& hasher() { return hasher_; }
  SessionService& sessions() { return sessions_; }
  Authenticator& authenticator() { return authenticator_; }
  LoginService& login() { return login_; }
  UserAdmin& users() { return users_; }
  ApiKeyAdmin& api_keys() { return api_key_admin_; }
  AuditTrail& audit() { return audit_; }
  Store& store() { return store_; }
  const Clock& clock() const { return clock_; }

 private:
  AuthService(Store& store, const Clock& clock, const AuthOptions& options,
              std::string csrf_secret);

  Store& store_;
  const Clock& clock_;
  PasswordHasher hasher_;
  LoginThrottle throttle_;
  AuditTrail audit_;
  SessionService sessions_;
  ApiKeyService api_key_service_;
  Authenticator authenticator_;
  LoginService login_;
  UserAdmin users_;
  ApiKeyAdmin api_key_admin_;
};

}  // namespace batuta::auth
