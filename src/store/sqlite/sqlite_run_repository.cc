#include "store/sqlite/sqlite_run_repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/sqlite/columns.h"
#include "store/sqlite/run_row.h"
#include "store/sqlite/time_text.h"
#include "store/sqlite/transaction.h"

namespace batuta::sqlite {
namespace {

// The compare-and-set every call of the lease holder matches on: ?1 the run, ?2 its token.
constexpr std::string_view kHeld = "id = ?1 AND status = 'running' AND lease_token = ?2";

Error NotHeld(std::string_view run_id, std::int64_t lease_token) {
  return Error::Conflict(fmt::format(
      "run '{}' is not running with lease token {} any more (finished, recovered or claimed "
      "again)",
      run_id, lease_token));
}

// Steps `statement` to the end, reading each row as a RunRecord from column 0.
Result<std::vector<RunRecord>> ReadRuns(Statement& statement) {
  std::vector<RunRecord> runs;
  while (true) {
    auto row = statement.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto run = ReadRun(statement, 0);
    if (!run.ok()) return std::move(run).error();
    runs.push_back(std::move(run).value());
  }
  return runs;
}

// Steps a statement expected to return at most one run (SELECT by id, UPDATE ... RETURNING).
Result<std::optional<RunRecord>> ReadOptionalRun(Statement& statement) {
  auto row = statement.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<RunRecord>();
  auto run = ReadRun(statement, 0);
  if (!run.ok()) return std::move(run).error();
  // Finish the statement, so an UPDATE ... RETURNING has completed its write.
  BATUTA_RETURN_IF_ERROR(statement.Run());
  return std::optional<RunRecord>(std::move(run).value());
}

struct Candidate {
  std::string id;
  std::string job_id;
  std::int64_t max_concurrent = 0;
  std::string available_at;  // text, as stored: the paging cursor
};

// The next `page` queued runs available at `now_text`, after the cursor (available_at, id)
// when one is given, in claim order.
Result<std::vector<Candidate>> SelectCandidates(Connection& connection, const std::string& now_text,
                                                const Candidate* after, int page) {
  auto select = connection.Prepare(
      after == nullptr
          ? "SELECT id, job_id, max_concurrent, available_at FROM runs "
            "WHERE status = 'queued' AND available_at <= ?1 "
            "ORDER BY available_at, id LIMIT ?4"
          : "SELECT id, job_id, max_concurrent, available_at FROM runs "
            "WHERE status = 'queued' AND available_at <= ?1 AND (available_at, id) > (?2, ?3) "
            "ORDER BY available_at, id LIMIT ?4");
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, now_text));
  if (after != nullptr) {
    BATUTA_RETURN_IF_ERROR(select->Bind(2, after->available_at));
    BATUTA_RETURN_IF_ERROR(select->Bind(3, after->id));
  }
  BATUTA_RETURN_IF_ERROR(select->Bind(4, std::int64_t{page}));
  std::vector<Candidate> candidates;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    candidates.push_back({select->ColumnText(0), select->ColumnText(1), select->ColumnInt(2),
                          select->ColumnText(3)});
  }
  return candidates;
}

Result<std::int64_t> CountRunning(Connection& connection, const std::string& job_id) {
  auto count =
      connection.Prepare("SELECT count(*) FROM runs WHERE job_id = ?1 AND status = 'running'");
  if (!count.ok()) return std::move(count).error();
  BATUTA_RETURN_IF_ERROR(count->Bind(1, job_id));
  auto row = count->Step();
  if (!row.ok()) return std::move(row).error();
  return count->ColumnInt(0);
}

}  // namespace

Status SqliteRunRepository::Enqueue(const RunRecord& run) {
  auto writer = pool_.Writer();
  return InsertRun(*writer, run);
}

Result<std::vector<RunRecord>> SqliteRunRepository::Claim(const ClaimRequest& request) {
  std::vector<RunRecord> claimed;
  if (request.limit <= 0) return claimed;
  const std::string now_text = TimeToText(request.now);
  const std::string expires_text = TimeToText(request.now + request.lease);

  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();

  // Running counts of the limited jobs seen so far, kept up to date with this claim's own
  // claims, so each job is counted once per claim.
  std::unordered_map<std::string, std::int64_t> running;
  // Candidates are read a page at a time and the page is finished before any of them is
  // updated: SQLite does not define what a query sees of rows changed while it is stepping.
  const int page = std::max(16, request.limit * 2);
  std::optional<Candidate> cursor;
  while (static_cast<int>(claimed.size()) < request.limit) {
    auto candidates = SelectCandidates(*writer, now_text, cursor ? &*cursor : nullptr, page);
    if (!candidates.ok()) return std::move(candidates).error();
    for (Candidate& candidate : *candidates) {
      if (static_cast<int>(claimed.size()) == request.limit) break;
      std::int64_t* job_running = nullptr;
      if (candidate.max_concurrent > 0) {
        auto it = running.find(candidate.job_id);
        if (it == running.end()) {
          auto count = CountRunning(*writer, candidate.job_id);
          if (!count.ok()) return std::move(count).error();
          it = running.emplace(candidate.job_id, *count).first;
        }
        if (it->second >= candidate.max_concurrent) continue;
        job_running = &it->second;
      }
      static const std::string kUpdate = fmt::format(
          "UPDATE runs SET status = 'running', started_at = ?2, lease_owner = ?3, "
          "lease_token = lease_token + 1, lease_expires_at = ?4 "
          "WHERE id = ?1 AND status = 'queued' RETURNING {}",
          kRunColumns);
      auto update = writer->Prepare(kUpdate);
      if (!update.ok()) return std::move(update).error();
      BATUTA_RETURN_IF_ERROR(update->Bind(1, candidate.id));
      BATUTA_RETURN_IF_ERROR(update->Bind(2, now_text));
      BATUTA_RETURN_IF_ERROR(update->Bind(3, request.worker_id));
      BATUTA_RETURN_IF_ERROR(update->Bind(4, expires_text));
      auto run = ReadOptionalRun(*update);
      if (!run.ok()) return std::move(run).error();
      if (!run->has_value()) continue;
      claimed.push_back(std::move(**run));
      if (job_running != nullptr) ++*job_running;
    }
    if (static_cast<int>(candidates->size()) < page) break;
    cursor = std::move(candidates->back());
  }
  BATUTA_RETURN_IF_ERROR(transaction->Commit());
  return claimed;
}

Result<HeartbeatReply> SqliteRunRepository::Heartbeat(std::string_view run_id,
                                                      std::int64_t lease_token, TimePoint now,
                                                      std::chrono::milliseconds lease) {
  auto writer = pool_.Writer();
  static const std::string kUpdate = fmt::format(
      "UPDATE runs SET lease_expires_at = ?3 WHERE {} RETURNING cancel_requested", kHeld);
  auto update = writer->Prepare(kUpdate);
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, run_id));
  BATUTA_RETURN_IF_ERROR(update->Bind(2, lease_token));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 3, now + lease));
  auto row = update->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return NotHeld(run_id, lease_token);
  HeartbeatReply reply;
  reply.cancel_requested = update->ColumnInt(0) != 0;
  BATUTA_RETURN_IF_ERROR(update->Run());
  return reply;
}

Status SqliteRunRepository::UpdateProgress(std::string_view run_id, std::int64_t lease_token,
                                           const nlohmann::json& progress) {
  auto writer = pool_.Writer();
  static const std::string kUpdate = fmt::format("UPDATE runs SET progress = ?3 WHERE {}", kHeld);
  auto update = writer->Prepare(kUpdate);
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, run_id));
  BATUTA_RETURN_IF_ERROR(update->Bind(2, lease_token));
  BATUTA_RETURN_IF_ERROR(BindJson(*update, 3, progress));
  BATUTA_RETURN_IF_ERROR(update->Run());
  if (update->Changes() == 0) return NotHeld(run_id, lease_token);
  return Ok();
}

Status SqliteRunRepository::Finish(std::string_view run_id, std::int64_t lease_token,
                                   const RunCompletion& completion) {
  if (!IsTerminal(completion.status)) {
    return Error::InvalidArgument(
        fmt::format("a run cannot finish as '{}'", RunStatusName(completion.status)));
  }
  auto writer = pool_.Writer();
  // Only a retry needs a transaction; a plain finish is one statement, atomic by itself.
  std::optional<Transaction> transaction;
  if (completion.retry) {
    auto begun = Transaction::BeginImmediate(*writer);
    if (!begun.ok()) return std::move(begun).error();
    transaction.emplace(std::move(*begun));
  }
  {
    // lease_owner and lease_token stay: who ran it, with which claim.
    static const std::string kUpdate = fmt::format(
        "UPDATE runs SET status = ?3, result = ?4, error = ?5, finished_at = ?6, "
        "lease_expires_at = NULL WHERE {}",
        kHeld);
    auto update = writer->Prepare(kUpdate);
    if (!update.ok()) return std::move(update).error();
    BATUTA_RETURN_IF_ERROR(update->Bind(1, run_id));
    BATUTA_RETURN_IF_ERROR(update->Bind(2, lease_token));
    BATUTA_RETURN_IF_ERROR(update->Bind(3, RunStatusName(completion.status)));
    BATUTA_RETURN_IF_ERROR(BindJson(*update, 4, completion.result));
    BATUTA_RETURN_IF_ERROR(update->Bind(5, completion.error));
    BATUTA_RETURN_IF_ERROR(BindTime(*update, 6, completion.finished_at));
    BATUTA_RETURN_IF_ERROR(update->Run());
    if (update->Changes() == 0) return NotHeld(run_id, lease_token);
  }
  if (!transaction) return Ok();
  BATUTA_RETURN_IF_ERROR(InsertRun(*writer, *completion.retry));
  return transaction->Commit();
}

Result<RunRecord> SqliteRunRepository::RequestCancel(std::string_view run_id, TimePoint now) {
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  std::string status;
  {
    auto select = writer->Prepare("SELECT status FROM runs WHERE id = ?1");
    if (!select.ok()) return std::move(select).error();
    BATUTA_RETURN_IF_ERROR(select->Bind(1, run_id));
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) return Error::NotFound(fmt::format("no run with id '{}'", run_id));
    status = select->ColumnText(0);
  }
  static const std::string kCancelQueued = fmt::format(
      "UPDATE runs SET status = 'cancelled', finished_at = ?2 WHERE id = ?1 RETURNING {}",
      kRunColumns);
  static const std::string kFlagRunning =
      fmt::format("UPDATE runs SET cancel_requested = 1 WHERE id = ?1 RETURNING {}", kRunColumns);
  const std::string* sql = nullptr;
  if (status == RunStatusName(RunStatus::kQueued)) {
    sql = &kCancelQueued;
  } else if (status == RunStatusName(RunStatus::kRunning)) {
    sql = &kFlagRunning;
  } else {
    return Error::Conflict(fmt::format("run '{}' has already finished ({})", run_id, status));
  }
  auto update = writer->Prepare(*sql);
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, run_id));
  if (sql == &kCancelQueued) BATUTA_RETURN_IF_ERROR(BindTime(*update, 2, now));
  auto run = ReadOptionalRun(*update);
  if (!run.ok()) return std::move(run).error();
  if (!run->has_value()) return Error::Internal("the run vanished inside its transaction");
  BATUTA_RETURN_IF_ERROR(transaction->Commit());
  return std::move(**run);
}

Result<std::vector<RunRecord>> SqliteRunRepository::ListExpiredLeases(TimePoint now, int limit) {
  auto reader = pool_.Reader();
  static const std::string kSelect = fmt::format(
      "SELECT {} FROM runs WHERE status = 'running' AND lease_expires_at < ?1 "
      "ORDER BY lease_expires_at, id LIMIT ?2",
      kRunColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(BindTime(*select, 1, now));
  BATUTA_RETURN_IF_ERROR(select->Bind(2, std::int64_t{std::max(limit, 0)}));
  return ReadRuns(*select);
}

Result<std::optional<RunRecord>> SqliteRunRepository::FindById(std::string_view id) {
  auto reader = pool_.Reader();
  static const std::string kSelect = fmt::format("SELECT {} FROM runs WHERE id = ?1", kRunColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, id));
  return ReadOptionalRun(*select);
}

Result<std::vector<RunRecord>> SqliteRunRepository::List(const RunFilter& filter) {
  // The WHERE clause names only the filters that are set, so SQLite can choose an index for
  // them (a "?n IS NULL OR column = ?n" term would hide the column from the planner). The
  // text depends only on which filters are set, and every value is bound: at most 2^6
  // statements, each cached.
  std::string sql = fmt::format("SELECT {} FROM runs WHERE 1", kRunColumns);
  if (filter.job_id) sql += " AND job_id = ?1";
  if (filter.status) sql += " AND status = ?2";
  if (filter.trigger) sql += " AND trigger_kind = ?3";
  if (filter.queued_from) sql += " AND queued_at >= ?4";
  if (filter.queued_to) sql += " AND queued_at < ?5";
  if (filter.before_id) sql += " AND id < ?6";
  sql += " ORDER BY id DESC LIMIT ?7";
  auto reader = pool_.Reader();
  auto select = reader->Prepare(sql);
  if (!select.ok()) return std::move(select).error();
  if (filter.job_id) BATUTA_RETURN_IF_ERROR(select->Bind(1, *filter.job_id));
  if (filter.status) BATUTA_RETURN_IF_ERROR(select->Bind(2, RunStatusName(*filter.status)));
  if (filter.trigger) BATUTA_RETURN_IF_ERROR(select->Bind(3, *filter.trigger));
  if (filter.queued_from) BATUTA_RETURN_IF_ERROR(BindTime(*select, 4, *filter.queued_from));
  if (filter.queued_to) BATUTA_RETURN_IF_ERROR(BindTime(*select, 5, *filter.queued_to));
  if (filter.before_id) BATUTA_RETURN_IF_ERROR(select->Bind(6, *filter.before_id));
  BATUTA_RETURN_IF_ERROR(select->Bind(7, std::int64_t{std::max(filter.limit, 0)}));
  return ReadRuns(*select);
}

Result<std::vector<RunRecord>> SqliteRunRepository::ListAttempts(std::string_view root_run_id) {
  auto reader = pool_.Reader();
  static const std::string kSelect =
      fmt::format("SELECT {} FROM runs WHERE root_run_id = ?1 ORDER BY attempt, id", kRunColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, root_run_id));
  return ReadRuns(*select);
}

Result<std::int64_t> SqliteRunRepository::CountActive(std::string_view job_id) {
  auto reader = pool_.Reader();
  auto count = reader->Prepare(
      "SELECT count(*) FROM runs WHERE job_id = ?1 AND status IN ('queued', 'running')");
  if (!count.ok()) return std::move(count).error();
  BATUTA_RETURN_IF_ERROR(count->Bind(1, job_id));
  auto row = count->Step();
  if (!row.ok()) return std::move(row).error();
  return count->ColumnInt(0);
}

Result<RunWindowSummary> SqliteRunRepository::Summarize(TimePoint queued_from,
                                                        TimePoint queued_to) {
  auto reader = pool_.Reader();
  RunWindowSummary summary;
  auto counts = reader->Prepare(
      "SELECT status, count(*) FROM runs WHERE queued_at >= ?1 AND queued_at < ?2 "
      "GROUP BY status");
  if (!counts.ok()) return std::move(counts).error();
  BATUTA_RETURN_IF_ERROR(BindTime(*counts, 1, queued_from));
  BATUTA_RETURN_IF_ERROR(BindTime(*counts, 2, queued_to));
  while (true) {
    auto row = counts->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    const auto status = ParseRunStatus(counts->ColumnText(0));
    if (!status) return Error::Internal("a stored run has an unknown status");
    summary.by_status[static_cast<std::size_t>(*status)] = counts->ColumnInt(1);
  }

  // Stored times are RFC 3339 text with milliseconds, which julianday() reads; rounding its
  // day fraction back to milliseconds is exact for the store's years (< 2^53 ms).
  constexpr std::string_view kDurations =
      "SELECT CAST(round((julianday(finished_at) - julianday(started_at)) * 86400000.0) "
      "AS INTEGER) AS duration_ms FROM runs "
      "WHERE queued_at >= ?1 AND queued_at < ?2 AND finished_at IS NOT NULL "
      "AND started_at IS NOT NULL";
  static const std::string kSpread =
      fmt::format("SELECT count(*), max(duration_ms) FROM ({})", kDurations);
  auto spread = reader->Prepare(kSpread);
  if (!spread.ok()) return std::move(spread).error();
  BATUTA_RETURN_IF_ERROR(BindTime(*spread, 1, queued_from));
  BATUTA_RETURN_IF_ERROR(BindTime(*spread, 2, queued_to));
  auto spread_row = spread->Step();
  if (!spread_row.ok()) return std::move(spread_row).error();
  const std::int64_t timed = spread->ColumnInt(0);
  if (timed == 0) return summary;
  summary.max_duration = std::chrono::milliseconds(spread->ColumnInt(1));

  static const std::string kMiddle =
      fmt::format("{} ORDER BY duration_ms LIMIT 1 OFFSET ?3", kDurations);
  auto middle = reader->Prepare(kMiddle);
  if (!middle.ok()) return std::move(middle).error();
  BATUTA_RETURN_IF_ERROR(BindTime(*middle, 1, queued_from));
  BATUTA_RETURN_IF_ERROR(BindTime(*middle, 2, queued_to));
  BATUTA_RETURN_IF_ERROR(middle->Bind(3, (timed - 1) / 2));
  auto middle_row = middle->Step();
  if (!middle_row.ok()) return std::move(middle_row).error();
  if (*middle_row) summary.median_duration = std::chrono::milliseconds(middle->ColumnInt(0));
  return summary;
}

Result<std::int64_t> SqliteRunRepository::Prune(TimePoint finished_before, int keep_per_job) {
  auto writer = pool_.Writer();
  // Ranks each job's finished runs newest first (ties by id) and deletes those past the
  // kept ones that are also old enough; their run_logs rows go by ON DELETE CASCADE.
  // finished_at is set exactly for the terminal states, so it alone selects finished runs.
  auto remove = writer->Prepare(
      "DELETE FROM runs WHERE id IN ("
      " SELECT id FROM ("
      "  SELECT id, finished_at, row_number() OVER ("
      "   PARTITION BY job_id ORDER BY finished_at DESC, id DESC) AS newest"
      "  FROM runs WHERE finished_at IS NOT NULL)"
      " WHERE newest > ?2 AND finished_at < ?1)");
  if (!remove.ok()) return std::move(remove).error();
  BATUTA_RETURN_IF_ERROR(BindTime(*remove, 1, finished_before));
  BATUTA_RETURN_IF_ERROR(remove->Bind(2, std::int64_t{std::max(keep_per_job, 0)}));
  BATUTA_RETURN_IF_ERROR(remove->Run());
  return remove->Changes();
}

}  // namespace batuta::sqlite
