#include "store/sqlite/run_row.h"

#include <fmt/format.h>

#include <string>

#include "store/sqlite/columns.h"

namespace batuta::sqlite {

Result<RunRecord> ReadRun(const Statement& statement, int first) {
  const auto column = [first](int offset) { return first + offset; };
  RunRecord run;
  run.id = statement.ColumnText(column(0));
  run.job_id = statement.ColumnText(column(1));
  run.job_name = statement.ColumnText(column(2));
  run.job_version = statement.ColumnInt(column(3));
  const std::string status = statement.ColumnText(column(4));
  const auto parsed = ParseRunStatus(status);
  if (!parsed) return Error::Internal(fmt::format("run '{}' has status '{}'", run.id, status));
  run.status = *parsed;
  run.trigger = statement.ColumnText(column(5));
  run.actor_kind = statement.ColumnText(column(6));
  run.actor_name = statement.ColumnText(column(7));
  run.actor_id = ColumnOptionalText(statement, column(8));
  auto parameters = ColumnJson(statement, column(9), "runs.parameters");
  if (!parameters.ok()) return std::move(parameters).error();
  run.parameters = std::move(*parameters);
  run.attempt = static_cast<int>(statement.ColumnInt(column(10)));
  run.max_attempts = static_cast<int>(statement.ColumnInt(column(11)));
  run.retry_of = ColumnOptionalText(statement, column(12));
  run.root_run_id = statement.ColumnText(column(13));
  run.rerun_of = ColumnOptionalText(statement, column(14));
  run.schedule_id = ColumnOptionalText(statement, column(15));
  auto scheduled_for = ColumnOptionalTime(statement, column(16));
  if (!scheduled_for.ok()) return std::move(scheduled_for).error();
  run.scheduled_for = *scheduled_for;
  run.timeout = std::chrono::milliseconds(statement.ColumnInt(column(17)));
  run.max_concurrent = static_cast<int>(statement.ColumnInt(column(18)));
  auto queued_at = ColumnTime(statement, column(19));
  if (!queued_at.ok()) return std::move(queued_at).error();
  run.queued_at = *queued_at;
  auto available_at = ColumnTime(statement, column(20));
  if (!available_at.ok()) return std::move(available_at).error();
  run.available_at = *available_at;
  auto started_at = ColumnOptionalTime(statement, column(21));
  if (!started_at.ok()) return std::move(started_at).error();
  run.started_at = *started_at;
  auto finished_at = ColumnOptionalTime(statement, column(22));
  if (!finished_at.ok()) return std::move(finished_at).error();
  run.finished_at = *finished_at;
  run.lease_owner = ColumnOptionalText(statement, column(23));
  run.lease_token = statement.ColumnInt(column(24));
  auto lease_expires_at = ColumnOptionalTime(statement, column(25));
  if (!lease_expires_at.ok()) return std::move(lease_expires_at).error();
  run.lease_expires_at = *lease_expires_at;
  run.cancel_requested = statement.ColumnInt(column(26)) != 0;
  auto result = ColumnJson(statement, column(27), "runs.result");
  if (!result.ok()) return std::move(result).error();
  run.result = std::move(*result);
  run.error = statement.ColumnText(column(28));
  auto progress = ColumnJson(statement, column(29), "runs.progress");
  if (!progress.ok()) return std::move(progress).error();
  run.progress = std::move(*progress);
  run.log_lines = statement.ColumnInt(column(30));
  return run;
}

Status InsertRun(Connection& connection, const RunRecord& run) {
  static const std::string kInsert = fmt::format(
      "INSERT INTO runs ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
      "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)",
      kRunColumns);
  auto insert = connection.Prepare(kInsert);
  if (!insert.ok()) return std::move(insert).error();
  Statement& s = *insert;
  BATUTA_RETURN_IF_ERROR(s.Bind(1, run.id));
  BATUTA_RETURN_IF_ERROR(s.Bind(2, run.job_id));
  BATUTA_RETURN_IF_ERROR(s.Bind(3, run.job_name));
  BATUTA_RETURN_IF_ERROR(s.Bind(4, run.job_version));
  BATUTA_RETURN_IF_ERROR(s.Bind(5, RunStatusName(run.status)));
  BATUTA_RETURN_IF_ERROR(s.Bind(6, run.trigger));
  BATUTA_RETURN_IF_ERROR(s.Bind(7, run.actor_kind));
  BATUTA_RETURN_IF_ERROR(s.Bind(8, run.actor_name));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(s, 9, run.actor_id));
  BATUTA_RETURN_IF_ERROR(BindJson(s, 10, run.parameters));
  BATUTA_RETURN_IF_ERROR(s.Bind(11, std::int64_t{run.attempt}));
  BATUTA_RETURN_IF_ERROR(s.Bind(12, std::int64_t{run.max_attempts}));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(s, 13, run.retry_of));
  BATUTA_RETURN_IF_ERROR(s.Bind(14, run.root_run_id));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(s, 15, run.rerun_of));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(s, 16, run.schedule_id));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(s, 17, run.scheduled_for));
  BATUTA_RETURN_IF_ERROR(s.Bind(18, std::int64_t{run.timeout.count()}));
  BATUTA_RETURN_IF_ERROR(s.Bind(19, std::int64_t{run.max_concurrent}));
  BATUTA_RETURN_IF_ERROR(BindTime(s, 20, run.queued_at));
  BATUTA_RETURN_IF_ERROR(BindTime(s, 21, run.available_at));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(s, 22, run.started_at));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(s, 23, run.finished_at));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(s, 24, run.lease_owner));
  BATUTA_RETURN_IF_ERROR(s.Bind(25, run.lease_token));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(s, 26, run.lease_expires_at));
  BATUTA_RETURN_IF_ERROR(BindBool(s, 27, run.cancel_requested));
  BATUTA_RETURN_IF_ERROR(BindJson(s, 28, run.result));
  BATUTA_RETURN_IF_ERROR(s.Bind(29, run.error));
  BATUTA_RETURN_IF_ERROR(BindJson(s, 30, run.progress));
  BATUTA_RETURN_IF_ERROR(s.Bind(31, run.log_lines));
  auto ran = s.Run();
  if (!ran.ok() && ran.error().code == ErrorCode::kConflict) {
    return Error::Conflict(fmt::format("a run with id '{}' exists", run.id));
  }
  return ran;
}

}  // namespace batuta::sqlite
