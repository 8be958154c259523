#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace batuta {

// A person who signs in to batuta. `role` is one of the role names of auth/roles.h; the store
// keeps it as text and knows only one of them, kAdminRole, to protect the last active admin.
struct UserRecord {
  std::string id;
  std::string username;  // unique, compared case-insensitively (ASCII)
  std::string display_name;
  std::string role;
  bool active = true;
  std::string password_hash;  // a libsodium Argon2id string; never leaves the server
  TimePoint created_at;
  TimePoint updated_at;
  TimePoint password_changed_at;
  std::optional<TimePoint> last_login_at;
};

// The fields an admin may change; unset fields stay as they are.
struct UserChanges {
  std::optional<std::string> display_name;
  std::optional<std::string> role;
  std::optional<bool> active;
};

// Users and the invariants that span them. Thread-safe; times are given by the caller.
class UserRepository {
 public:
  static constexpr std::string_view kAdminRole = "admin";

  virtual ~UserRepository() = default;

  // kConflict when the username is taken (case-insensitively).
  virtual Status Create(const UserRecord& user) = 0;
  // Creates `user` only when the store has no user at all, atomically (also between
  // processes). True when it was created.
  virtual Result<bool> CreateIfNoUsers(const UserRecord& user) = 0;

  virtual Result<std::optional<UserRecord>> FindById(std::string_view id) = 0;
  // Case-insensitive (ASCII) match on the username.
  virtual Result<std::optional<UserRecord>> FindByUsername(std::string_view username) = 0;
  // Every user, ordered by username.
  virtual Result<std::vector<UserRecord>> List() = 0;

  // Applies `changes` in one transaction and returns the user as stored afterwards.
  // kNotFound for an unknown id; kConflict, changing nothing, when the result would leave no
  // active user with kAdminRole. Deactivating a user deletes all of their sessions.
  virtual Result<UserRecord> Update(std::string_view id, const UserChanges& changes,
                                    TimePoint now) = 0;

  // A new password: replaces the hash, sets password_changed_at and deletes all of the user's
  // sessions, in one transaction. kNotFound for an unknown id.
  virtual Status SetPassword(std::string_view id, std::string_view password_hash,
                             TimePoint now) = 0;

  // Re-hashing of the same password with new parameters: replaces the hash only if it is
  // still `old_hash` (a concurrent password change wins). Sessions are untouched.
  virtual Status ReplacePasswordHash(std::string_view id, std::string_view old_hash,
                                     std::string_view new_hash) = 0;

  virtual Status RecordLogin(std::string_view id, TimePoint at) = 0;
};

}  // namespace batuta
