#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/audit_trail.h"
#include "auth/password_hasher.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/result.h"
#include "store/store.h"

namespace batuta::auth {

// Managing users, for the API and the command line alike: every rule about usernames, roles
// and passwords is here, and every change is audited. Errors name the field (kValidation) as
// the API's JSON spells it. Thread-safe.
class UserAdmin {
 public:
  UserAdmin(Store& store, const Clock& clock, PasswordHasher& hasher, AuditTrail& audit);

  struct NewUser {
    std::string username;
    std::string display_name;
    std::string role;
    std::string password;
  };
  Result<UserRecord> Create(const Actor& actor, const NewUser& request);
  // kNotFound, kValidation, or kConflict for the last active admin.
  Result<UserRecord> Update(const Actor& actor, std::string_view id, const UserChanges& changes);
  // Sets a new password for `id` and ends all of that user's sessions.
  Status ResetPassword(const Actor& actor, std::string_view id, std::string_view new_password);

  // On a store without users, creates "admin" (role admin) with `password`, or with a random
  // one when `password` is empty, and returns the password used; nullopt when users exist.
  // A given password must pass the password policy.
  Result<std::optional<std::string>> EnsureInitialAdmin(std::string_view password);

  // Usernames: 1-64 of [A-Za-z0-9._@-], starting with a letter or digit.
  static Status CheckUsername(std::string_view username);

 private:
  Store& store_;
  const Clock& clock_;
  PasswordHasher& hasher_;
  AuditTrail& audit_;
  IdGenerator ids_;
};

}  // namespace batuta::auth
