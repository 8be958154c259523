#pragma once

#include "api/api_router.h"
#include "api/route_table.h"

namespace batuta::api {

// /api/v1/jobs and /api/v1/job-types (job_routes.cc).
void AddJobRoutes(RouteTable& routes, const ApiDependencies& deps);
// /api/v1/runs (run_routes.cc).
void AddRunRoutes(RouteTable& routes, const ApiDependencies& deps);

}  // namespace batuta::api
