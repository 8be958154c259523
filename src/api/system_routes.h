#pragma once

#include "api/api_router.h"
#include "api/route_table.h"

namespace batuta::api {

// GET /healthz, /readyz, /api/v1/version, /api/v1/openapi.json.
void AddSystemRoutes(RouteTable& routes, const ApiDependencies& deps);

}  // namespace batuta::api
