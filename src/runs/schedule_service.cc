#include "runs/schedule_service.h"

#include <fmt/format.h>

#include "runs/json_fields.h"
#include "scheduler/describe.h"
#include "scheduler/misfire.h"
#include "scheduler/next_fire.h"
#include "scheduler/schedule_spec.h"

namespace batuta::runs {
namespace {

constexpr int kMaxPreview = 50;

nlohmann::json Times(const std::vector<TimePoint>& times) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto t : times) list.push_back(FormatRfc3339(t));
  return list;
}

nlohmann::json Description(const scheduler::ScheduleSpec& spec) {
  return {{"en", scheduler::Describe(spec, "en")}, {"pt-BR", scheduler::Describe(spec, "pt-BR")}};
}

}  // namespace

Result<nlohmann::json> ScheduleService::Canonical(const nlohmann::json& body) const {
  if (!body.is_object()) return Error::Validation("", "the schedule must be a JSON object");
  nlohmann::json spec_json = nlohmann::json::object();
  for (const auto& [key, value] : body.items()) {
    if (key != "misfire" && key != "enabled") spec_json[key] = value;
  }
  if (!spec_json.contains("timezone") || spec_json["timezone"].is_null()) {
    spec_json["timezone"] = default_timezone_;
  }
  auto spec = scheduler::ScheduleSpecFromJson(spec_json);
  if (!spec.ok()) return std::move(spec).error();
  scheduler::MisfirePolicy misfire;
  if (const auto it = body.find("misfire"); it != body.end() && !it->is_null()) {
    auto parsed = scheduler::MisfirePolicyFromJson(*it);
    if (!parsed.ok()) {
      Error error = std::move(parsed).error();
      error.details["field"] = FieldPath("misfire", error.details.value("field", ""));
      return error;
    }
    misfire = *parsed;
  }
  auto enabled = ReadBool(body, "", "enabled", true);
  if (!enabled.ok()) return std::move(enabled).error();
  return nlohmann::json{{"spec", scheduler::ScheduleSpecToJson(*spec)},
                        {"misfire", scheduler::MisfirePolicyToJson(misfire)},
                        {"enabled", *enabled}};
}

Result<ScheduleRecord> ScheduleService::Create(std::string_view job_id, const nlohmann::json& body,
                                               const auth::Actor& actor) {
  auto job = store_.Jobs().FindById(job_id);
  if (!job.ok()) return std::move(job).error();
  if (!job->has_value()) return Error::NotFound(fmt::format("no job with id '{}'", job_id));
  auto canonical = Canonical(body);
  if (!canonical.ok()) return std::move(canonical).error();
  const TimePoint now = clock_.Now();
  auto spec = scheduler::ScheduleSpecFromJson((*canonical)["spec"]);
  ScheduleRecord schedule;
  schedule.id = ids_.Next();
  schedule.job_id = std::string(job_id);
  schedule.spec = (*canonical)["spec"];
  schedule.misfire = (*canonical)["misfire"];
  schedule.enabled = (*canonical)["enabled"];
  schedule.next_fire_at = scheduler::NextFireAfter(*spec, now);
  schedule.created_at = now;
  schedule.updated_at = now;
  auto created = store_.Schedules().Create(schedule);
  (void)audit_.Record(actor, "schedule.create", "schedule", schedule.id,
                      created.ok() ? "success" : "failure",
                      {{"job_id", schedule.job_id}, {"spec", schedule.spec}});
  if (!created.ok()) return std::move(created).error();
  Changed();
  return schedule;
}

Result<ScheduleRecord> ScheduleService::Update(std::string_view id, const nlohmann::json& body,
                                               const auth::Actor& actor) {
  auto schedule = Get(id);
  if (!schedule.ok()) return std::move(schedule).error();
  auto canonical = Canonical(body);
  if (!canonical.ok()) return std::move(canonical).error();
  const TimePoint now = clock_.Now();
  auto spec = scheduler::ScheduleSpecFromJson((*canonical)["spec"]);
  schedule->spec = (*canonical)["spec"];
  schedule->misfire = (*canonical)["misfire"];
  schedule->enabled = (*canonical)["enabled"];
  // A new spec starts from now; fires already recorded stay recorded (UNIQUE per time).
  schedule->next_fire_at = scheduler::NextFireAfter(*spec, now);
  schedule->updated_at = now;
  auto updated = store_.Schedules().Update(*schedule);
  (void)audit_.Record(actor, "schedule.update", "schedule", id,
                      updated.ok() ? "success" : "failure", {{"spec", schedule->spec}});
  if (!updated.ok()) return std::move(updated).error();
  Changed();
  return schedule;
}

Status ScheduleService::Delete(std::string_view id, const auth::Actor& actor) {
  auto deleted = store_.Schedules().Delete(id);
  (void)audit_.Record(actor, "schedule.delete", "schedule", id,
                      deleted.ok() ? "success" : "failure");
  if (deleted.ok()) Changed();
  return deleted;
}

Result<ScheduleRecord> ScheduleService::Get(std::string_view id) {
  auto schedule = store_.Schedules().FindById(id);
  if (!schedule.ok()) return std::move(schedule).error();
  if (!schedule->has_value()) return Error::NotFound(fmt::format("no schedule with id '{}'", id));
  return std::move(**schedule);
}

Result<nlohmann::json> ScheduleService::Preview(const nlohmann::json& body, int count) const {
  if (count < 1 || count > kMaxPreview) {
    return Error::Validation("count", fmt::format("must be from 1 to {}", kMaxPreview));
  }
  auto canonical = Canonical(body);
  if (!canonical.ok()) return std::move(canonical).error();
  auto spec = scheduler::ScheduleSpecFromJson((*canonical)["spec"]);
  return nlohmann::json{
      {"spec", (*canonical)["spec"]},
      {"description", Description(*spec)},
      {"next", Times(scheduler::NextFires(*spec, clock_.Now(), static_cast<std::size_t>(count)))}};
}

nlohmann::json ScheduleService::ToJson(const ScheduleRecord& schedule, int count) const {
  nlohmann::json json{
      {"id", schedule.id},
      {"job_id", schedule.job_id},
      {"spec", schedule.spec},
      {"misfire", schedule.misfire},
      {"enabled", schedule.enabled},
      {"next_fire_at",
       schedule.next_fire_at ? nlohmann::json(FormatRfc3339(*schedule.next_fire_at)) : nullptr},
      {"last_scheduled_for", schedule.last_scheduled_for
                                 ? nlohmann::json(FormatRfc3339(*schedule.last_scheduled_for))
                                 : nullptr},
      {"created_at", FormatRfc3339(schedule.created_at)},
      {"updated_at", FormatRfc3339(schedule.updated_at)},
  };
  if (auto spec = scheduler::ScheduleSpecFromJson(schedule.spec); spec.ok()) {
    json["description"] = Description(*spec);
    json["next"] =
        Times(scheduler::NextFires(*spec, clock_.Now(), static_cast<std::size_t>(count)));
  }
  return json;
}

void ScheduleService::Changed() const {
  if (on_change_) on_change_();
}

}  // namespace batuta::runs
