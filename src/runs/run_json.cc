#include "runs/run_json.h"

namespace batuta::runs {
namespace {

nlohmann::json OptionalTime(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(FormatRfc3339(*t)) : nlohmann::json();
}

nlohmann::json OptionalText(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json();
}

}  // namespace

nlohmann::json RunJson(const RunRecord& run) {
  nlohmann::json json{
      {"id", run.id},
      {"job_id", run.job_id},
      {"job_name", run.job_name},
      {"job_version", run.job_version},
      {"status", RunStatusName(run.status)},
      {"trigger", run.trigger},
      {"triggered_by",
       {{"kind", run.actor_kind}, {"name", run.actor_name}, {"id", OptionalText(run.actor_id)}}},
      {"parameters", run.parameters},
      {"attempt", run.attempt},
      {"max_attempts", run.max_attempts},
      {"retry_of", OptionalText(run.retry_of)},
      {"root_run_id", run.root_run_id},
      {"rerun_of", OptionalText(run.rerun_of)},
      {"schedule_id", OptionalText(run.schedule_id)},
      {"scheduled_for", OptionalTime(run.scheduled_for)},
      {"timeout_seconds", std::chrono::duration_cast<std::chrono::seconds>(run.timeout).count()},
      {"queued_at", FormatRfc3339(run.queued_at)},
      {"available_at", FormatRfc3339(run.available_at)},
      {"started_at", OptionalTime(run.started_at)},
      {"finished_at", OptionalTime(run.finished_at)},
      {"worker", OptionalText(run.lease_owner)},
      {"cancel_requested", run.cancel_requested},
      {"result", run.result},
      {"error", run.error},
      {"progress", run.progress},
      {"log_lines", run.log_lines},
  };
  if (run.started_at && run.finished_at) {
    json["duration_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(*run.finished_at - *run.started_at)
            .count();
  } else {
    json["duration_ms"] = nullptr;
  }
  return json;
}

}  // namespace batuta::runs
