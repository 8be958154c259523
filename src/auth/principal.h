#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "store/api_key_repository.h"
#include "store/session_repository.h"
#include "store/user_repository.h"

namespace batuta::auth {

// Who is calling, as established for one request: a user through a session or an API key.
struct Principal {
  enum class Via { kSession, kApiKey };

  Via via = Via::kSession;
  UserRecord user;            // password_hash cleared
  Role role = Role::kViewer;  // the user's role
  // API keys: the key's role, which further limits the user's (a key never exceeds its owner,
  // also after the owner is demoted).
  std::optional<Role> key_role;
  std::optional<ApiKeyRecord> api_key;  // key_hash cleared
  std::optional<SessionRecord> session;
  std::string csrf_token;  // sessions only

  // Granted by the user's role and, for a key, by the key's role too; kAccountSelf only
  // through a session.
  bool Has(std::string_view permission) const;
  std::vector<std::string_view> Permissions() const;

  // For audit entries: "user"/"api_key", and the username or the key's prefix.
  std::string_view ActorKind() const { return via == Via::kApiKey ? "api_key" : "user"; }
  std::string ActorName() const;
};

}  // namespace batuta::auth
