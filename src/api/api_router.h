#pragma once

#include <string>

#include "assets/static_files.h"
#include "auth/audit_trail.h"
#include "auth/auth_service.h"
#include "connections/connection_service.h"
#include "core/clock.h"
#include "http/router.h"
#include "logs/log_hub.h"
#include "runs/job_service.h"
#include "runs/job_type.h"
#include "runs/run_service.h"
#include "runs/schedule_service.h"
#include "store/store.h"

namespace batuta::api {

// What the API's handlers need. References must outlive the router.
struct ApiDependencies {
  Store& store;
  auth::AuthService& auth;
  runs::JobService& jobs;
  runs::RunService& runs;
  runs::ScheduleService& schedules;
  logs::LogHub& log_hub;
  const runs::JobTypeRegistry& job_types;
  const assets::StaticFiles& web_app;
  std::string version;
  connections::ConnectionService& connections;
  auth::AuditTrail& audit;
  const Clock& clock;
};

// The complete route table of `batuta serve`: one row per route with its permission (enforced
// before the handler runs, see RouteTable), and the web app as fallback for other GET paths. Every
// row must also be in api/openapi.yaml (enforced by api_router_test).
http::Router BuildApiRouter(const ApiDependencies& deps);

}  // namespace batuta::api
