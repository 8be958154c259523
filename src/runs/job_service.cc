#include "runs/job_service.h"

#include <fmt/format.h>

namespace batuta::runs {
namespace {

std::string KnownTypes(const JobTypeRegistry& types) {
  std::string names;
  for (const auto* type : types.List()) {
    if (!names.empty()) names += ", ";
    names += type->Name();
  }
  return names;
}

std::string_view OutcomeOf(const Error& error) {
  return error.code == ErrorCode::kValidation ? "invalid" : "failure";
}

}  // namespace

Result<JobSpec> JobService::Validate(const nlohmann::json& definition) const {
  auto spec = ParseJobSpec(definition);
  if (!spec.ok()) return std::move(spec).error();
  const JobType* type = types_.Find(spec->type);
  if (type == nullptr) {
    return Error::Validation(
        "type", fmt::format("unknown job type '{}' (known: {})", spec->type, KnownTypes(types_)));
  }
  BATUTA_RETURN_IF_ERROR(type->ValidateConfig(spec->config));
  return spec;
}

Result<JobRecord> JobService::Create(const nlohmann::json& definition, bool enabled,
                                     const auth::Actor& actor) {
  auto spec = Validate(definition);
  if (!spec.ok()) {
    (void)audit_.Record(actor, "job.create", "job", "", OutcomeOf(spec.error()),
                        {{"error", spec.error().message}});
    return std::move(spec).error();
  }
  const TimePoint now = clock_.Now();
  JobRecord job;
  job.id = ids_.Next();
  job.name = spec->name;
  job.enabled = enabled;
  job.version = 1;
  job.definition = ToJson(*spec);
  job.created_at = now;
  job.updated_at = now;
  job.updated_by = actor.name;
  auto created = store_.Jobs().Create(job);
  (void)audit_.Record(actor, "job.create", "job", job.id, created.ok() ? "success" : "failure",
                      {{"name", job.name}, {"type", spec->type}});
  if (!created.ok()) {
    if (created.error().code == ErrorCode::kConflict) {
      return Error{ErrorCode::kConflict,
                   fmt::format("a job named '{}' exists", job.name),
                   {{"field", "name"}}};
    }
    return std::move(created).error();
  }
  return job;
}

Result<JobRecord> JobService::Update(std::string_view id, const nlohmann::json& definition,
                                     std::optional<std::int64_t> expected_version,
                                     const auth::Actor& actor) {
  auto current = Get(id);
  if (!current.ok()) return std::move(current).error();
  auto spec = Validate(definition);
  if (!spec.ok()) {
    (void)audit_.Record(actor, "job.update", "job", id, OutcomeOf(spec.error()),
                        {{"error", spec.error().message}});
    return std::move(spec).error();
  }
  const std::int64_t base = expected_version.value_or(current->version);
  auto updated =
      store_.Jobs().Update(id, base, spec->name, ToJson(*spec), clock_.Now(), actor.name);
  (void)audit_.Record(actor, "job.update", "job", id, updated.ok() ? "success" : "failure",
                      {{"name", spec->name}, {"from_version", base}});
  if (!updated.ok()) {
    if (updated.error().code == ErrorCode::kConflict) {
      // The store says which: an edit since `base` (details.reason), or the new name taken.
      if (updated.error().details.value("reason", "") == "stale_version") {
        return Error{
            ErrorCode::kConflict,
            fmt::format("the job changed since version {}; reload it and edit again", base),
            {{"field", "version"}}};
      }
      return Error{ErrorCode::kConflict,
                   fmt::format("a job named '{}' exists", spec->name),
                   {{"field", "name"}}};
    }
    return std::move(updated).error();
  }
  Changed();
  return updated;
}

Result<JobRecord> JobService::SetEnabled(std::string_view id, bool enabled,
                                         const auth::Actor& actor) {
  auto changed = store_.Jobs().SetEnabled(id, enabled, clock_.Now());
  (void)audit_.Record(actor, enabled ? "job.enable" : "job.disable", "job", id,
                      changed.ok() ? "success" : "failure");
  if (!changed.ok()) return std::move(changed).error();
  Changed();
  return Get(id);
}

Status JobService::Delete(std::string_view id, const auth::Actor& actor) {
  auto job = Get(id);
  if (!job.ok()) return std::move(job).error();
  auto deleted = store_.Jobs().Delete(id);
  (void)audit_.Record(actor, "job.delete", "job", id, deleted.ok() ? "success" : "failure",
                      {{"name", job->name}});
  if (deleted.ok()) Changed();
  return deleted;
}

Result<JobRecord> JobService::Get(std::string_view id) {
  auto job = store_.Jobs().FindById(id);
  if (!job.ok()) return std::move(job).error();
  if (!job->has_value()) return Error::NotFound(fmt::format("no job with id '{}'", id));
  return std::move(**job);
}

void JobService::Changed() const {
  if (on_change_) on_change_();
}

}  // namespace batuta::runs
