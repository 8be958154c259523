#pragma once

#include "api/api_router.h"
#include "api/route_table.h"

namespace batuta::api {

// /api/v1/connections and /api/v1/connection-kinds (connection_routes.cc).
void AddConnectionRoutes(RouteTable& routes, const ApiDependencies& deps);
// /api/v1/datasets: the data API (dataset_routes.cc).
void AddDatasetRoutes(RouteTable& routes, const ApiDependencies& deps);
// /api/v1/runs/{id}/artifacts and /api/v1/artifacts/{id}/download (artifact_routes.cc).
void AddArtifactRoutes(RouteTable& routes, const ApiDependencies& deps);

}  // namespace batuta::api
