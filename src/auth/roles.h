#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "http/route.h"

namespace batuta::auth {

// The five roles, lowest first. Roles map to named permissions in one table (roles.cc); code
// never asks "is this an admin", it asks for a permission.
enum class Role { kViewer, kOperator, kApprover, kEditor, kAdmin };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
std::string_view RoleDescription(Role role);
std::span<const Role> AllRoles();

// Every permission a route can require. Besides the named capabilities:
//  - kPublic (http/route.h): anyone, no credentials needed;
//  - kAuthenticated: any signed-in caller, through a session or an API key;
//  - kAccountSelf: the caller's own account (password, sign-out, own API keys), through a
//    session only, so a leaked API key cannot mint more keys or change a password.
namespace permissions {
inline constexpr http::Permission kAuthenticated{"authenticated"};
inline constexpr http::Permission kAccountSelf{"account.self"};
inline constexpr http::Permission kJobsRead{"jobs.read"};
inline constexpr http::Permission kJobsWrite{"jobs.write"};
inline constexpr http::Permission kRunsRead{"runs.read"};
inline constexpr http::Permission kRunsTrigger{"runs.trigger"};
inline constexpr http::Permission kDatasetsRead{"datasets.read"};
inline constexpr http::Permission kConnectionsRead{"connections.read"};
inline constexpr http::Permission kConnectionsWrite{"connections.write"};
inline constexpr http::Permission kWorkflowsApprove{"workflows.approve"};
inline constexpr http::Permission kUsersAdmin{"users.admin"};
inline constexpr http::Permission kAuditRead{"audit.read"};
inline constexpr http::Permission kSettingsAdmin{"settings.admin"};
}  // namespace permissions

// The permissions `role` grants, in a stable order (kAuthenticated and kAccountSelf included).
std::span<const http::Permission> PermissionsOf(Role role);
bool RoleGrants(Role role, std::string_view permission);
// True when every permission of `candidate` is also granted by `limit`: an API key's role
// must be within its owner's role.
bool RoleWithin(Role candidate, Role limit);
// Every permission name a route may declare (kPublic included).
bool IsKnownPermission(std::string_view permission);

}  // namespace batuta::auth
