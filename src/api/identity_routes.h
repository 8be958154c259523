#pragma once

#include "api/route_table.h"
#include "auth/auth_service.h"

namespace batuta::api {

// /api/v1/auth/* and /api/v1/roles (auth_routes.cc).
void AddAuthRoutes(RouteTable& routes, auth::AuthService& auth);
// /api/v1/users (user_routes.cc).
void AddUserRoutes(RouteTable& routes, auth::AuthService& auth);
// /api/v1/api-keys (api_key_routes.cc).
void AddApiKeyRoutes(RouteTable& routes, auth::AuthService& auth);
// /api/v1/audit (audit_routes.cc).
void AddAuditRoutes(RouteTable& routes, auth::AuthService& auth);

}  // namespace batuta::api
