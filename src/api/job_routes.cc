#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "api/engine_routes.h"
#include "api/json_body.h"
#include "api/query_params.h"
#include "auth/audit_trail.h"
#include "auth/roles.h"
#include "runs/run_json.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 500;

// What the job handlers use; the references outlive the router (ApiDependencies).
struct JobRoutes {
  runs::JobService& jobs;
  runs::RunService& runs;
  Store& store;
  const runs::JobTypeRegistry& types;
};

// The Job schema of api/openapi.yaml: the stored definition's fields at top level, then the
// job's identity and bookkeeping (which win over anything of the same name in a definition).
nlohmann::json JobJson(const JobRecord& job) {
  nlohmann::json json = job.definition.is_object() ? job.definition : nlohmann::json::object();
  json["id"] = job.id;
  json["name"] = job.name;
  json["enabled"] = job.enabled;
  json["version"] = job.version;
  json["created_at"] = FormatRfc3339(job.created_at);
  json["updated_at"] = FormatRfc3339(job.updated_at);
  json["updated_by"] = job.updated_by;
  return json;
}

nlohmann::json JobVersionJson(const JobVersionRecord& version) {
  return {{"job_id", version.job_id},
          {"version", version.version},
          {"created_at", FormatRfc3339(version.created_at)},
          {"created_by", version.created_by},
          {"definition", version.definition}};
}

Result<JobFilter> FilterFrom(const Request& request) {
  JobFilter filter;
  filter.tag = request.QueryParam("tag");
  filter.type = request.QueryParam("type");
  auto enabled = QueryBool(request, "enabled");
  if (!enabled.ok()) return std::move(enabled).error();
  filter.enabled = *enabled;
  filter.after_name = request.QueryParam("after");
  auto limit = QueryLimit(request, "limit", kDefaultLimit, kMaxLimit);
  if (!limit.ok()) return std::move(limit).error();
  filter.limit = *limit;
  return filter;
}

// What a list shows beside each job (JobListItem in api/openapi.yaml): its newest run, its
// number of schedules and the soonest next fire of the enabled ones (none while the job is
// disabled). Two indexed lookups per job, so a page costs the browser one request.
Result<nlohmann::json> JobListItemJson(Store& store, const JobRecord& job) {
  nlohmann::json item = JobJson(job);
  RunFilter newest;
  newest.job_id = job.id;
  newest.limit = 1;
  auto runs = store.Runs().List(newest);
  if (!runs.ok()) return std::move(runs).error();
  item["last_run"] = nullptr;
  if (!runs->empty()) {
    const RunRecord& run = runs->front();
    item["last_run"] = {
        {"id", run.id},
        {"status", RunStatusName(run.status)},
        {"queued_at", FormatRfc3339(run.queued_at)},
        {"finished_at",
         run.finished_at ? nlohmann::json(FormatRfc3339(*run.finished_at)) : nlohmann::json()}};
  }
  auto schedules = store.Schedules().ListForJob(job.id);
  if (!schedules.ok()) return std::move(schedules).error();
  std::optional<TimePoint> soonest;
  for (const ScheduleRecord& schedule : *schedules) {
    if (!job.enabled || !schedule.enabled || !schedule.next_fire_at) continue;
    if (!soonest || *schedule.next_fire_at < *soonest) soonest = schedule.next_fire_at;
  }
  item["schedule_count"] = schedules->size();
  item["next_fire_at"] = soonest ? nlohmann::json(FormatRfc3339(*soonest)) : nlohmann::json();
  return item;
}

Response ListJobs(const JobRoutes& context, const Request& request) {
  auto filter = FilterFrom(request);
  if (!filter.ok()) return ErrorReply(filter.error());
  // One more than asked tells whether another page exists.
  JobFilter probe = *filter;
  probe.limit = filter->limit + 1;
  auto jobs = context.store.Jobs().List(probe);
  if (!jobs.ok()) return ErrorReply(jobs.error());
  const bool more = jobs->size() > static_cast<std::size_t>(filter->limit);
  if (more) jobs->pop_back();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& job : *jobs) {
    auto item = JobListItemJson(context.store, job);
    if (!item.ok()) return ErrorReply(item.error());
    list.push_back(std::move(*item));
  }
  nlohmann::json next = nullptr;
  if (more && !jobs->empty()) next = jobs->back().name;
  return Response::Json(200, {{"jobs", list}, {"next_cursor", next}});
}

Response CreateJob(const JobRoutes& context, const Request& request,
                   const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  auto enabled = OptionalBool(*body, "enabled");
  if (!enabled.ok()) return ErrorReply(enabled.error());
  body->erase("enabled");  // the rest is the definition, validated as a whole
  auto created =
      context.jobs.Create(*body, enabled->value_or(true), auth::Actor::Of(caller, request));
  if (!created.ok()) return ErrorReply(created.error());
  return Response::Json(201, JobJson(*created));
}

Response GetJob(const JobRoutes& context, const Request& request) {
  auto job = context.jobs.Get(request.PathParam("id"));
  if (!job.ok()) return ErrorReply(job.error());
  return Response::Json(200, JobJson(*job));
}

Response UpdateJob(const JobRoutes& context, const Request& request,
                   const auth::Principal& caller) {
  auto body = JsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  std::optional<std::int64_t> expected_version;
  if (const auto it = body->find("version"); it != body->end()) {
    if (!it->is_null()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1) {
        return ErrorReply(Error::Validation(
            "version", "'version' must be a positive integer: the version this edit is based on"));
      }
      expected_version = it->get<std::int64_t>();
    }
    body->erase(it);
  }
  auto updated = context.jobs.Update(request.PathParam("id"), *body, expected_version,
                                     auth::Actor::Of(caller, request));
  if (!updated.ok()) return ErrorReply(updated.error());
  return Response::Json(200, JobJson(*updated));
}

Response SetEnabled(const JobRoutes& context, const Request& request, const auth::Principal& caller,
                    bool enabled) {
  auto job =
      context.jobs.SetEnabled(request.PathParam("id"), enabled, auth::Actor::Of(caller, request));
  if (!job.ok()) return ErrorReply(job.error());
  return Response::Json(200, JobJson(*job));
}

Response DeleteJob(const JobRoutes& context, const Request& request,
                   const auth::Principal& caller) {
  auto deleted = context.jobs.Delete(request.PathParam("id"), auth::Actor::Of(caller, request));
  if (!deleted.ok()) return ErrorReply(deleted.error());
  return Response::NoContent();
}

Response ListVersions(const JobRoutes& context, const Request& request) {
  const auto id = request.PathParam("id");
  // An unknown job is a 404, not an empty history.
  if (auto job = context.jobs.Get(id); !job.ok()) return ErrorReply(job.error());
  auto versions = context.store.Jobs().ListVersions(id);
  if (!versions.ok()) return ErrorReply(versions.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& version : *versions) list.push_back(JobVersionJson(version));
  return Response::Json(200, {{"versions", list}});
}

Response GetVersion(const JobRoutes& context, const Request& request) {
  const auto number = ParseNonNegativeInteger(request.PathParam("version"));
  if (!number || *number < 1) {
    return ErrorReply(Error::Validation("version", "'version' must be a positive integer"));
  }
  auto version = context.store.Jobs().FindVersion(request.PathParam("id"), *number);
  if (!version.ok()) {
    if (version.error().code == ErrorCode::kNotFound) {
      return ErrorReply(Error::NotFound(
          fmt::format("job '{}' has no version {}", request.PathParam("id"), *number)));
    }
    return ErrorReply(version.error());
  }
  return Response::Json(200, JobVersionJson(*version));
}

Response RunNow(const JobRoutes& context, const Request& request, const auth::Principal& caller) {
  auto body = OptionalJsonObjectBody(request);
  if (!body.ok()) return ErrorReply(body.error());
  for (const auto& [key, value] : body->items()) {
    if (key != "parameters") {
      return ErrorReply(Error::Validation(key, fmt::format("unknown field '{}'", key)));
    }
  }
  nlohmann::json parameters = nlohmann::json::object();
  if (const auto it = body->find("parameters"); it != body->end() && !it->is_null()) {
    if (!it->is_object()) {
      return ErrorReply(Error::Validation(
          "parameters", "'parameters' must be an object of parameter names to values"));
    }
    parameters = *it;
  }
  // A person acts through a session; a program through an API key (auth/principal.h).
  const std::string_view trigger = caller.via == auth::Principal::Via::kApiKey ? "api" : "manual";
  auto run = context.runs.Trigger(request.PathParam("id"), parameters, trigger,
                                  auth::Actor::Of(caller, request));
  if (!run.ok()) return ErrorReply(run.error());
  return Response::Json(201, runs::RunJson(*run));
}

Response ListJobTypes(const JobRoutes& context) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto* type : context.types.List()) {
    list.push_back({{"name", type->Name()},
                    {"description", type->Description()},
                    {"config_fields", type->ConfigFields()}});
  }
  return Response::Json(200, {{"job_types", list}});
}

}  // namespace

void AddJobRoutes(RouteTable& routes, const ApiDependencies& deps) {
  const JobRoutes context{deps.jobs, deps.runs, deps.store, deps.job_types};
  const auto read = auth::permissions::kJobsRead;
  const auto write = auth::permissions::kJobsWrite;
  routes.Add(Method::kGet, "/api/v1/jobs", read,
             [context](const Request& request, const auth::Principal*) {
               return ListJobs(context, request);
             });
  routes.Add(Method::kPost, "/api/v1/jobs", write,
             [context](const Request& request, const auth::Principal* caller) {
               return CreateJob(context, request, *caller);
             });
  routes.Add(Method::kGet, "/api/v1/jobs/{id}", read,
             [context](const Request& request, const auth::Principal*) {
               return GetJob(context, request);
             });
  routes.Add(Method::kPut, "/api/v1/jobs/{id}", write,
             [context](const Request& request, const auth::Principal* caller) {
               return UpdateJob(context, request, *caller);
             });
  routes.Add(Method::kDelete, "/api/v1/jobs/{id}", write,
             [context](const Request& request, const auth::Principal* caller) {
               return DeleteJob(context, request, *caller);
             });
  routes.Add(Method::kPost, "/api/v1/jobs/{id}/enable", write,
             [context](const Request& request, const auth::Principal* caller) {
               return SetEnabled(context, request, *caller, true);
             });
  routes.Add(Method::kPost, "/api/v1/jobs/{id}/disable", write,
             [context](const Request& request, const auth::Principal* caller) {
               return SetEnabled(context, request, *caller, false);
             });
  routes.Add(Method::kGet, "/api/v1/jobs/{id}/versions", read,
             [context](const Request& request, const auth::Principal*) {
               return ListVersions(context, request);
             });
  routes.Add(Method::kGet, "/api/v1/jobs/{id}/versions/{version}", read,
             [context](const Request& request, const auth::Principal*) {
               return GetVersion(context, request);
             });
  routes.Add(Method::kPost, "/api/v1/jobs/{id}/runs", auth::permissions::kRunsTrigger,
             [context](const Request& request, const auth::Principal* caller) {
               return RunNow(context, request, *caller);
             });
  routes.Add(Method::kGet, "/api/v1/job-types", read,
             [context](const Request&, const auth::Principal*) { return ListJobTypes(context); });
}

}  // namespace batuta::api
