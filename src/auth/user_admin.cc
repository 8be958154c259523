#include "auth/user_admin.h"

#include <fmt/format.h>

#include "auth/crypto.h"
#include "auth/password_policy.h"
#include "auth/roles.h"

namespace batuta::auth {
namespace {

constexpr std::size_t kMaxDisplayName = 200;
constexpr std::string_view kInitialAdmin = "admin";

Status CheckRole(std::string_view role) {
  if (!ParseRole(role)) {
    return Error::Validation(
        "role",
        fmt::format("unknown role '{}': use viewer, operator, approver, editor or admin", role));
  }
  return Ok();
}

Status CheckDisplayName(std::string_view name) {
  if (name.size() > kMaxDisplayName) {
    return Error::Validation("display_name", fmt::format("at most {} characters", kMaxDisplayName));
  }
  for (const char c : name) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return Error::Validation("display_name", "control characters are not allowed");
    }
  }
  return Ok();
}

}  // namespace

UserAdmin::UserAdmin(Store& store, const Clock& clock, PasswordHasher& hasher, AuditTrail& audit)
    : store_(store), clock_(clock), hasher_(hasher), audit_(audit), ids_(clock) {}

Status UserAdmin::CheckUsername(std::string_view username) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '-';
  };
  if (username.empty() || username.size() > 64) {
    return Error::Validation("username", "the username must have 1 to 64 characters");
  }
  for (const char c : username) {
    if (!allowed(c)) {
      return Error::Validation("username", "use only letters, digits and . _ @ - in the username");
    }
  }
  if (!std::isalnum(static_cast<unsigned char>(username.front()))) {
    return Error::Validation("username", "the username must start with a letter or digit");
  }
  return Ok();
}

Result<UserRecord> UserAdmin::Create(const Actor& actor, const NewUser& request) {
  BATUTA_RETURN_IF_ERROR(CheckUsername(request.username));
  BATUTA_RETURN_IF_ERROR(CheckDisplayName(request.display_name));
  BATUTA_RETURN_IF_ERROR(CheckRole(request.role));
  BATUTA_RETURN_IF_ERROR(CheckNewPassword(request.password, request.username));
  auto hash = hasher_.Hash(request.password);
  if (!hash.ok()) return std::move(hash).error();
  const TimePoint now = clock_.Now();
  UserRecord user;
  user.id = ids_.Next();
  user.username = request.username;
  user.display_name = request.display_name;
  user.role = request.role;
  user.password_hash = std::move(hash).value();
  user.created_at = now;
  user.updated_at = now;
  user.password_changed_at = now;
  BATUTA_RETURN_IF_ERROR(store_.Users().Create(user));
  (void)audit_.Record(actor, "user.create", "user", user.id, "success",
                      {{"username", user.username}, {"role", user.role}});
  user.password_hash.clear();
  return user;
}

Result<UserRecord> UserAdmin::Update(const Actor& actor, std::string_view id,
                                     const UserChanges& changes) {
  nlohmann::json details = nlohmann::json::object();
  if (changes.display_name) {
    BATUTA_RETURN_IF_ERROR(CheckDisplayName(*changes.display_name));
    details["display_name"] = *changes.display_name;
  }
  if (changes.role) {
    BATUTA_RETURN_IF_ERROR(CheckRole(*changes.role));
    details["role"] = *changes.role;
  }
  if (changes.active) details["active"] = *changes.active;
  auto updated = store_.Users().Update(id, changes, clock_.Now());
  if (!updated.ok()) {
    if (updated.error().code == ErrorCode::kConflict) {
      details["reason"] = "last_admin";
      (void)audit_.Record(actor, "user.update", "user", id, "denied", details);
    }
    return updated;
  }
  details["username"] = updated->username;
  (void)audit_.Record(actor, "user.update", "user", id, "success", details);
  updated->password_hash.clear();
  return updated;
}

Status UserAdmin::ResetPassword(const Actor& actor, std::string_view id,
                                std::string_view new_password) {
  auto user = store_.Users().FindById(id);
  if (!user.ok()) return std::move(user).error();
  if (!user->has_value()) return Error::NotFound(fmt::format("no user with id '{}'", id));
  BATUTA_RETURN_IF_ERROR(CheckNewPassword(new_password, (*user)->username, "new_password"));
  auto hash = hasher_.Hash(new_password);
  if (!hash.ok()) return std::move(hash).error();
  BATUTA_RETURN_IF_ERROR(store_.Users().SetPassword(id, *hash, clock_.Now()));
  (void)audit_.Record(actor, "user.password_reset", "user", id, "success",
                      {{"username", (*user)->username}});
  return Ok();
}

Result<std::optional<std::string>> UserAdmin::EnsureInitialAdmin(std::string_view password) {
  auto existing = store_.Users().List();
  if (!existing.ok()) return std::move(existing).error();
  if (!existing->empty()) return std::optional<std::string>();
  std::string chosen(password);
  if (chosen.empty()) {
    chosen = RandomToken(18);  // 144 bits, 24 characters
  } else {
    auto checked = CheckNewPassword(chosen, kInitialAdmin, "BATUTA_ADMIN_PASSWORD");
    if (!checked.ok()) {
      Error error = std::move(checked).error();
      error.message = "BATUTA_ADMIN_PASSWORD: " + error.message;
      return error;
    }
  }
  auto hash = hasher_.Hash(chosen);
  if (!hash.ok()) return std::move(hash).error();
  const TimePoint now = clock_.Now();
  UserRecord admin;
  admin.id = ids_.Next();
  admin.username = std::string(kInitialAdmin);
  admin.display_name = "Administrator";
  admin.role = std::string(RoleName(Role::kAdmin));
  admin.password_hash = std::move(hash).value();
  admin.created_at = now;
  admin.updated_at = now;
  admin.password_changed_at = now;
  auto created = store_.Users().CreateIfNoUsers(admin);
  if (!created.ok()) return std::move(created).error();
  if (!*created) return std::optional<std::string>();  // another process was first
  (void)audit_.Record(Actor::System("startup"), "user.create", "user", admin.id, "success",
                      {{"username", admin.username}, {"role", admin.role}, {"initial", true}});
  return std::optional<std::string>(std::move(chosen));
}

}  // namespace batuta::auth
