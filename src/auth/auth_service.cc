#include "auth/auth_service.h"

#include "auth/crypto.h"

namespace batuta::auth {

Result<std::unique_ptr<AuthService>> AuthService::Create(Store& store, const Clock& clock,
                                                         AuthOptions options) {
  auto secret = store.Meta().PutIfAbsent("auth.csrf_secret", RandomToken(32));
  if (!secret.ok()) return std::move(secret).error();
  return std::unique_ptr<AuthService>(
      new AuthService(store, clock, options, std::move(secret).value()));
}

AuthService::AuthService(Store& store, const Clock& clock, const AuthOptions& options,
                         std::string csrf_secret)
    : store_(store),
      clock_(clock),
      hasher_(options.password_hash, options.max_parallel_hashes),
      throttle_(clock, options.throttle),
      audit_(store, clock),
      sessions_(store, clock, std::move(csrf_secret), options.sessions),
      api_key_service_(store, clock),
      authenticator_(sessions_, api_key_service_),
      login_(store, clock, hasher_, throttle_, sessions_, audit_),
      users_(store, clock, hasher_, audit_),
      api_key_admin_(store, clock, audit_) {}

}  // namespace batuta::auth
