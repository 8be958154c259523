#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "api/engine_routes.h"
#include "api/query_params.h"
#include "auth/audit_trail.h"
#include "auth/roles.h"
#include "runs/run_json.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int kDefaultRunLimit = 50;
constexpr int kMaxRunLimit = 500;
constexpr int kDefaultLogLimit = 1000;
constexpr int kMaxLogLimit = 5000;

constexpr std::string_view kStatusNames =
    "queued, running, succeeded, failed, timed_out, cancelled";

// What the run handlers use; the references outlive the router (ApiDependencies).
struct RunRoutes {
  runs::RunService& runs;
  Store& store;
};

nlohmann::json LogLineJson(const LogLine& line) {
  return {{"seq", line.seq},
          {"at", FormatRfc3339(line.at)},
          {"level", line.level},
          {"message", line.message}};
}

Result<RunFilter> FilterFrom(const Request& request) {
  RunFilter filter;
  filter.job_id = request.QueryParam("job_id");
  if (const auto status = request.QueryParam("status")) {
    const auto parsed = ParseRunStatus(*status);
    if (!parsed) {
      return Error::Validation("status", fmt::format("'status' must be one of {}", kStatusNames));
    }
    filter.status = *parsed;
  }
  filter.trigger = request.QueryParam("trigger");
  auto from = QueryTime(request, "from");
  if (!from.ok()) return std::move(from).error();
  auto to = QueryTime(request, "to");
  if (!to.ok()) return std::move(to).error();
  filter.queued_from = *from;
  filter.queued_to = *to;
  filter.before_id = request.QueryParam("before");
  auto limit = QueryLimit(request, "limit", kDefaultRunLimit, kMaxRunLimit);
  if (!limit.ok()) return std::move(limit).error();
  filter.limit = *limit;
  return filter;
}

Response ListRuns(const RunRoutes& context, const Request& request) {
  auto filter = FilterFrom(request);
  if (!filter.ok()) return ErrorReply(filter.error());
  // One more than asked tells whether another page exists.
  RunFilter probe = *filter;
  probe.limit = filter->limit + 1;
  auto found = context.store.Runs().List(probe);
  if (!found.ok()) return ErrorReply(found.error());
  const bool more = found->size() > static_cast<std::size_t>(filter->limit);
  if (more) found->pop_back();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& run : *found) list.push_back(runs::RunJson(run));
  nlohmann::json next = nullptr;
  if (more && !found->empty()) next = found->back().id;
  return Response::Json(200, {{"runs", list}, {"next_cursor", next}});
}

Response GetRun(const RunRoutes& context, const Request& request) {
  auto run = context.runs.Get(request.PathParam("id"));
  if (!run.ok()) return ErrorReply(run.error());
  auto attempts = context.store.Runs().ListAttempts(run->root_run_id);
  if (!attempts.ok()) return ErrorReply(attempts.error());
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& attempt : *attempts) ids.push_back(attempt.id);
  auto json = runs::RunJson(*run);
  json["attempts"] = std::move(ids);
  return Response::Json(200, json);
}

Response ListAttempts(const RunRoutes& context, const Request& request) {
  auto run = context.runs.Get(request.PathParam("id"));
  if (!run.ok()) return ErrorReply(run.error());
  auto attempts = context.store.Runs().ListAttempts(run->root_run_id);
  if (!attempts.ok()) return ErrorReply(attempts.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& attempt : *attempts) list.push_back(runs::RunJson(attempt));
  return Response::Json(200, {{"attempts", list}});
}

Response CancelRun(const RunRoutes& context, const Request& request,
                   const auth::Principal& caller) {
  auto run = context.runs.Cancel(request.PathParam("id"), auth::Actor::Of(caller, request));
  if (!run.ok()) return ErrorReply(run.error());
  return Response::Json(200, runs::RunJson(*run));
}

Response RerunRun(const RunRoutes& context, const Request& request, const auth::Principal& caller) {
  auto run = context.runs.Rerun(request.PathParam("id"), auth::Actor::Of(caller, request));
  if (!run.ok()) return ErrorReply(run.error());
  return Response::Json(201, runs::RunJson(*run));
}

Response ListLogs(const RunRoutes& context, const Request& request) {
  auto after = QueryNonNegativeInteger(request, "after");
  if (!after.ok()) return ErrorReply(after.error());
  auto limit = QueryLimit(request, "limit", kDefaultLogLimit, kMaxLogLimit);
  if (!limit.ok()) return ErrorReply(limit.error());
  const auto id = request.PathParam("id");
  // An unknown run is a 404, not an empty log.
  if (auto run = context.runs.Get(id); !run.ok()) return ErrorReply(run.error());
  // One more than asked tells whether more lines are stored.
  auto lines = context.store.RunLogs().ListAfter(id, after->value_or(0), *limit + 1);
  if (!lines.ok()) return ErrorReply(lines.error());
  const bool more = lines->size() > static_cast<std::size_t>(*limit);
  if (more) lines->pop_back();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& line : *lines) list.push_back(LogLineJson(line));
  nlohmann::json next = nullptr;
  if (more && !lines->empty()) next = lines->back().seq;
  return Response::Json(200, {{"lines", list}, {"next_after", next}});
}

}  // namespace

void AddRunRoutes(RouteTable& routes, const ApiDependencies& deps) {
  const RunRoutes context{deps.runs, deps.store};
  const auto read = auth::permissions::kRunsRead;
  const auto trigger = auth::permissions::kRunsTrigger;
  routes.Add(Method::kGet, "/api/v1/runs", read,
             [context](const Request& request, const auth::Principal*) {
               return ListRuns(context, request);
             });
  routes.Add(Method::kGet, "/api/v1/runs/{id}", read,
             [context](const Request& request, const auth::Principal*) {
               return GetRun(context, request);
             });
  routes.Add(Method::kGet, "/api/v1/runs/{id}/attempts", read,
             [context](const Request& request, const auth::Principal*) {
               return ListAttempts(context, request);
             });
  routes.Add(Method::kGet, "/api/v1/runs/{id}/logs", read,
             [context](const Request& request, const auth::Principal*) {
               return ListLogs(context, request);
             });
  routes.Add(Method::kPost, "/api/v1/runs/{id}/cancel", trigger,
             [context](const Request& request, const auth::Principal* caller) {
               return CancelRun(context, request, *caller);
             });
  routes.Add(Method::kPost, "/api/v1/runs/{id}/rerun", trigger,
             [context](const Request& request, const auth::Principal* caller) {
               return RerunRun(context, request, *caller);
             });
}

}  // namespace batuta::api
