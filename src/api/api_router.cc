#include "api/api_router.h"

#include "api/data_routes.h"
#include "api/engine_routes.h"
#include "api/identity_routes.h"
#include "api/route_table.h"
#include "api/system_routes.h"

namespace batuta::api {

http::Router BuildApiRouter(const ApiDependencies& deps) {
  http::Router router;
  RouteTable routes(router, deps.auth.authenticator());
  AddSystemRoutes(routes, deps);
  AddAuthRoutes(routes, deps.auth);
  AddUserRoutes(routes, deps.auth);
  AddApiKeyRoutes(routes, deps.auth);
  AddAuditRoutes(routes, deps.auth);
  AddJobRoutes(routes, deps);
  AddRunRoutes(routes, deps);
  AddRunEventsRoute(routes, deps);
  AddScheduleRoutes(routes, deps);
  AddOverviewRoute(routes, deps);
  AddConnectionRoutes(routes, deps);
  AddDatasetRoutes(routes, deps);
  AddArtifactRoutes(routes, deps);
  router.SetFallback(
      [&web_app = deps.web_app](const http::Request& request) { return web_app.Serve(request); });
  return router;
}

}  // namespace batuta::api
