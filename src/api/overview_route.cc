// GET /api/v1/overview: the home page's counts, lists and chart data (runs/overview.h).
#include <string>

#include "api/engine_routes.h"
#include "api/query_params.h"
#include "auth/roles.h"
#include "runs/overview.h"
#include "scheduler/schedule_spec.h"

namespace batuta::api {
namespace {

constexpr int kDefaultDays = 14;

// What the handler uses; the references outlive the router (ApiDependencies).
struct OverviewRoute {
  Store& store;
  runs::ScheduleService& schedules;
  const Clock& clock;
};

http::Response GetOverview(const OverviewRoute& deps, const http::Request& request) {
  auto days = QueryLimit(request, "days", kDefaultDays, runs::kMaxOverviewDays);
  if (!days.ok()) return ErrorReply(days.error());
  const auto tz = request.QueryParam("tz");
  auto zone = scheduler::LocateZone(tz ? *tz : deps.schedules.default_timezone());
  if (!zone.ok()) return ErrorReply(Error::Validation("tz", "'tz': " + zone.error().message));
  auto overview =
      runs::BuildOverview(deps.store, {.now = deps.clock.Now(), .zone = *zone, .days = *days});
  if (!overview.ok()) return ErrorReply(overview.error());
  return http::Response::Json(200, *overview);
}

}  // namespace

void AddOverviewRoute(RouteTable& routes, const ApiDependencies& deps) {
  const OverviewRoute context{deps.store, deps.schedules, deps.clock};
  routes.Add(http::Method::kGet, "/api/v1/overview", auth::permissions::kRunsRead,
             [context](const http::Request& request, const auth::Principal*) {
               return GetOverview(context, request);
             });
}

}  // namespace batuta::api
