#pragma once

#include "api/api_router.h"

namespace batuta::api {

// GET /healthz, /readyz, /api/v1/version, /api/v1/openapi.json.
void AddSystemRoutes(http::Router& router, const ApiDependencies& deps);

}  // namespace batuta::api
