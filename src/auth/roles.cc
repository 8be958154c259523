#include "auth/roles.h"

#include <algorithm>
#include <array>
#include <vector>

namespace batuta::auth {
namespace {

using namespace permissions;  // NOLINT(google-build-using-namespace): the table reads better

constexpr std::array kRoles{Role::kViewer, Role::kOperator, Role::kApprover, Role::kEditor,
                            Role::kAdmin};

// The one table that maps roles to permissions. Each role lists everything it grants, in
// full, so a row can be read on its own.
const std::array<std::vector<http::Permission>, 5>& Table() {
  static const std::array<std::vector<http::Permission>, 5> table{
      // viewer
      std::vector<http::Permission>{kAuthenticated, kAccountSelf, kJobsRead, kRunsRead,
                                    kDatasetsRead},
      // operator
      std::vector<http::Permission>{kAuthenticated, kAccountSelf, kJobsRead, kRunsRead,
                                    kDatasetsRead, kRunsTrigger, kConnectionsRead},
      // approver
      std::vector<http::Permission>{kAuthenticated, kAccountSelf, kJobsRead, kRunsRead,
                                    kDatasetsRead, kRunsTrigger, kConnectionsRead,
                                    kWorkflowsApprove},
      // editor
      std::vector<http::Permission>{kAuthenticated, kAccountSelf, kJobsRead, kRunsRead,
                                    kDatasetsRead, kRunsTrigger, kConnectionsRead, kJobsWrite,
                                    kConnectionsWrite},
      // admin
      std::vector<http::Permission>{kAuthenticated, kAccountSelf, kJobsRead, kRunsRead,
                                    kDatasetsRead, kRunsTrigger, kConnectionsRead,
                                    kWorkflowsApprove, kJobsWrite, kConnectionsWrite, kUsersAdmin,
                                    kAuditRead, kSettingsAdmin},
  };
  return table;
}

std::size_t IndexOf(Role role) { return static_cast<std::size_t>(role); }

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kOperator:
      return "operator";
    case Role::kApprover:
      return "approver";
    case Role::kEditor:
      return "editor";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const Role role : kRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

std::string_view RoleDescription(Role role) {
  switch (role) {
    case Role::kViewer:
      return "Reads jobs, runs, logs and datasets.";
    case Role::kOperator:
      return "Viewer, plus runs, cancels and re-runs jobs and reads connections (never secrets).";
    case Role::kApprover:
      return "Operator, plus approves or rejects workflow steps.";
    case Role::kEditor:
      return "Operator, plus creates and edits jobs, schedules and connections.";
    case Role::kAdmin:
      return "Everything: users, API keys of anyone, audit log and settings.";
  }
  return "";
}

std::span<const Role> AllRoles() { return kRoles; }

std::span<const http::Permission> PermissionsOf(Role role) { return Table()[IndexOf(role)]; }

bool RoleGrants(Role role, std::string_view permission) {
  const auto granted = PermissionsOf(role);
  return std::any_of(granted.begin(), granted.end(),
                     [&](const http::Permission& p) { return p.name == permission; });
}

bool RoleWithin(Role candidate, Role limit) {
  const auto wanted = PermissionsOf(candidate);
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](const http::Permission& p) { return RoleGrants(limit, p.name); });
}

bool IsKnownPermission(std::string_view permission) {
  return permission == http::kPublic.name || RoleGrants(Role::kAdmin, permission);
}

}  // namespace batuta::auth
