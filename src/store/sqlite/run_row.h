#pragma once

#include <string_view>

#include "core/result.h"
#include "store/run_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/statement.h"

namespace batuta::sqlite {

// The runs table (migration 0003) as RunRecords, shared by the repositories that queue runs
// (runs themselves, schedule fires, retries).

// Every column of runs, unqualified, in the order ReadRun expects; queries select it as
// "SELECT " + kRunColumns or return it with "RETURNING " + kRunColumns.
inline constexpr std::string_view kRunColumns =
    "id, job_id, job_name, job_version, status, trigger_kind, actor_kind, actor_name, actor_id, "
    "parameters, attempt, max_attempts, retry_of, root_run_id, rerun_of, schedule_id, "
    "scheduled_for, timeout_ms, max_concurrent, queued_at, available_at, started_at, "
    "finished_at, lease_owner, lease_token, lease_expires_at, cancel_requested, result, error, "
    "progress, log_lines";

// Reads kRunColumns starting at column `first`; kInternal for a damaged row.
Result<RunRecord> ReadRun(const Statement& statement, int first);

// Inserts `run` as given. kConflict, naming the id, when a run with its id exists.
Status InsertRun(Connection& connection, const RunRecord& run);

}  // namespace batuta::sqlite
