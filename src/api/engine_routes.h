#pragma once

#include "api/api_router.h"
#include "api/route_table.h"

namespace batuta::api {

// /api/v1/jobs and /api/v1/job-types (job_routes.cc).
void AddJobRoutes(RouteTable& routes, const ApiDependencies& deps);
// /api/v1/runs (run_routes.cc).
void AddRunRoutes(RouteTable& routes, const ApiDependencies& deps);
// GET /api/v1/runs/{id}/events, live logs as Server-Sent Events (run_events_route.cc).
void AddRunEventsRoute(RouteTable& routes, const ApiDependencies& deps);
// /api/v1/jobs/{id}/schedules and /api/v1/schedules (schedule_routes.cc).
void AddScheduleRoutes(RouteTable& routes, const ApiDependencies& deps);

// GET /api/v1/overview, the dashboard's home page in one call (overview_route.cc).
void AddOverviewRoute(RouteTable& routes, const ApiDependencies& deps);

}  // namespace batuta::api
