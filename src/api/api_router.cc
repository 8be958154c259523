#include "api/api_router.h"

#include "api/system_routes.h"

namespace batuta::api {

http::Router BuildApiRouter(const ApiDependencies& deps) {
  http::Router router;
  AddSystemRoutes(router, deps);
  router.SetFallback(
      [&web_app = deps.web_app](const http::Request& request) { return web_app.Serve(request); });
  return router;
}

}  // namespace batuta::api
