#include "auth/principal.h"

namespace batuta::auth {

bool Principal::Has(std::string_view permission) const {
  if (via == Via::kApiKey && permission == permissions::kAccountSelf.name) return false;
  if (!RoleGrants(role, permission)) return false;
  return !key_role || RoleGrants(*key_role, permission);
}

std::vector<std::string_view> Principal::Permissions() const {
  std::vector<std::string_view> granted;
  for (const auto& permission : PermissionsOf(role)) {
    if (Has(permission.name)) granted.push_back(permission.name);
  }
  return granted;
}

std::string Principal::ActorName() const {
  if (via == Via::kApiKey && api_key) return user.username + " (key " + api_key->prefix + ")";
  return user.username;
}

}  // namespace batuta::auth
