// /api/v1/jobs/{id}/schedules, /api/v1/schedules/{id}[/fires] and /api/v1/schedules/preview.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "api/engine_routes.h"
#include "api/json_body.h"
#include "api/query_params.h"
#include "auth/audit_trail.h"
#include "auth/roles.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int kDefaultNextCount = 5;
constexpr int kMaxNextCount = 50;

nlohmann::json FireJson(const ScheduleFireRecord& fire) {
  return {{"scheduled_for", FormatRfc3339(fire.scheduled_for)},
          {"fired_at", FormatRfc3339(fire.fired_at)},
          {"run_id", fire.run_id ? nlohmann::json(*fire.run_id) : nullptr},
          {"skipped_reason",
           fire.skipped_reason.empty() ? nlohmann::json() : nlohmann::json(fire.skipped_reason)}};
}

Response ListForJob(runs::ScheduleService& schedules, Store& store, const Request& request) {
  const auto job_id = request.PathParam("id");
  auto job = store.Jobs().FindById(job_id);
  if (!job.ok()) return ErrorReply(job.error());
  if (!job->has_value())
    return ErrorReply(Error::NotFound(fmt::format("no job with id '{}'", job_id)));
  auto count = QueryLimit(request, "count", kDefaultNextCount, kMaxNextCount);
  if (!count.ok()) return ErrorReply(count.error());
  auto list = store.Schedules().ListForJob(job_id);
  if (!list.ok()) return ErrorReply(list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& schedule : *list) items.push_back(schedules.ToJson(schedule, *count));
  return Response::Json(200, {{"schedules", items}});
}

Response Create(runs::ScheduleService& schedules, const Request& request,
                const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auto created = schedules.Create(request.PathParam("id"), *body, auth::Actor::Of(caller, request));
  if (!created.ok()) return ErrorReply(created.error());
  return Response::Json(201, schedules.ToJson(*created, kDefaultNextCount));
}

Response Get(runs::ScheduleService& schedules, const Request& request) {
  auto count = QueryLimit(request, "count", kDefaultNextCount, kMaxNextCount);
  if (!count.ok()) return ErrorReply(count.error());
  auto schedule = schedules.Get(request.PathParam("id"));
  if (!schedule.ok()) return ErrorReply(schedule.error());
  return Response::Json(200, schedules.ToJson(*schedule, *count));
}

Response Update(runs::ScheduleService& schedules, const Request& request,
                const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auto updated = schedules.Update(request.PathParam("id"), *body, auth::Actor::Of(caller, request));
  if (!updated.ok()) return ErrorReply(updated.error());
  return Response::Json(200, schedules.ToJson(*updated, kDefaultNextCount));
}

Response ListFires(runs::ScheduleService& schedules, Store& store, const Request& request) {
  auto limit = QueryLimit(request, "limit", 50, 500);
  if (!limit.ok()) return ErrorReply(limit.error());
  auto schedule = schedules.Get(request.PathParam("id"));
  if (!schedule.ok()) return ErrorReply(schedule.error());
  auto fires = store.Schedules().ListFires(schedule->id, *limit);
  if (!fires.ok()) return ErrorReply(fires.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& fire : *fires) items.push_back(FireJson(fire));
  return Response::Json(200, {{"fires", items}});
}

Response Preview(runs::ScheduleService& schedules, const Request& request) {
  auto count = QueryLimit(request, "count", kDefaultNextCount, kMaxNextCount);
  if (!count.ok()) return ErrorReply(count.error());
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auto preview = schedules.Preview(*body, *count);
  if (!preview.ok()) return ErrorReply(preview.error());
  return Response::Json(200, *preview);
}

}  // namespace

void AddScheduleRoutes(RouteTable& routes, const ApiDependencies& deps) {
  const auto read = auth::permissions::kJobsRead;
  const auto write = auth::permissions::kJobsWrite;
  auto& schedules = deps.schedules;
  auto& store = deps.store;
  routes.Add(Method::kGet, "/api/v1/jobs/{id}/schedules", read,
             [&schedules, &store](const Request& request, const auth::Principal*) {
               return ListForJob(schedules, store, request);
             });
  routes.Add(Method::kPost, "/api/v1/jobs/{id}/schedules", write,
             [&schedules](const Request& request, const auth::Principal* caller) {
               return Create(schedules, request, *caller);
             });
  routes.Add(Method::kGet, "/api/v1/schedules/{id}", read,
             [&schedules](const Request& request, const auth::Principal*) {
               return Get(schedules, request);
             });
  routes.Add(Method::kPut, "/api/v1/schedules/{id}", write,
             [&schedules](const Request& request, const auth::Principal* caller) {
               return Update(schedules, request, *caller);
             });
  routes.Add(Method::kDelete, "/api/v1/schedules/{id}", write,
             [&schedules](const Request& request, const auth::Principal* caller) {
               auto deleted =
                   schedules.Delete(request.PathParam("id"), auth::Actor::Of(*caller, request));
               if (!deleted.ok()) return ErrorReply(deleted.error());
               return Response::NoContent();
             });
  routes.Add(Method::kGet, "/api/v1/schedules/{id}/fires", read,
             [&schedules, &store](const Request& request, const auth::Principal*) {
               return ListFires(schedules, store, request);
             });
  // A read (nothing is saved), as POST because the schedule travels in the body.
  routes.Add(Method::kPost, "/api/v1/schedules/preview", read,
             [&schedules](const Request& request, const auth::Principal*) {
               return Preview(schedules, request);
             });
}

}  // namespace batuta::api
