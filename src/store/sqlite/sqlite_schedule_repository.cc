#include "store/sqlite/sqlite_schedule_repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

#include "store/sqlite/columns.h"
#include "store/sqlite/run_row.h"
#include "store/sqlite/transaction.h"

namespace batuta::sqlite {
namespace {

// Qualified by `s.`, as the due queries join jobs.
constexpr std::string_view kScheduleColumns =
    "s.id, s.job_id, s.spec, s.misfire, s.enabled, s.next_fire_at, s.last_scheduled_for, "
    "s.created_at, s.updated_at";

// The due queries: enabled schedules of enabled jobs in next_fire_at order. CROSS JOIN makes
// SQLite keep schedules as the outer loop, walking schedules_due in order and stopping at
// the limit, instead of starting from jobs and sorting.
constexpr std::string_view kDueFrom =
    "FROM schedules s CROSS JOIN jobs j ON j.id = s.job_id "
    "WHERE s.enabled = 1 AND s.next_fire_at IS NOT NULL AND j.enabled = 1";

Result<ScheduleRecord> ReadSchedule(const Statement& statement) {
  ScheduleRecord schedule;
  schedule.id = statement.ColumnText(0);
  schedule.job_id = statement.ColumnText(1);
  auto spec = ColumnJson(statement, 2, "schedules.spec");
  if (!spec.ok()) return std::move(spec).error();
  schedule.spec = std::move(*spec);
  auto misfire = ColumnJson(statement, 3, "schedules.misfire");
  if (!misfire.ok()) return std::move(misfire).error();
  schedule.misfire = std::move(*misfire);
  schedule.enabled = statement.ColumnInt(4) != 0;
  auto next = ColumnOptionalTime(statement, 5);
  if (!next.ok()) return std::move(next).error();
  schedule.next_fire_at = *next;
  auto last = ColumnOptionalTime(statement, 6);
  if (!last.ok()) return std::move(last).error();
  schedule.last_scheduled_for = *last;
  auto created = ColumnTime(statement, 7);
  if (!created.ok()) return std::move(created).error();
  schedule.created_at = *created;
  auto updated = ColumnTime(statement, 8);
  if (!updated.ok()) return std::move(updated).error();
  schedule.updated_at = *updated;
  return schedule;
}

Result<std::vector<ScheduleRecord>> ReadSchedules(Statement& statement) {
  std::vector<ScheduleRecord> schedules;
  while (true) {
    auto row = statement.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto schedule = ReadSchedule(statement);
    if (!schedule.ok()) return std::move(schedule).error();
    schedules.push_back(std::move(schedule).value());
  }
  return schedules;
}

Result<bool> JobIsActive(Connection& connection, std::string_view job_id) {
  auto select = connection.Prepare(
      "SELECT 1 FROM runs WHERE job_id = ?1 AND status IN ('queued', 'running') LIMIT 1");
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, job_id));
  return select->Step();
}

// Inserts the fire unless (schedule, scheduled_for) is recorded; true when it was new.
Result<bool> InsertFire(Connection& connection, std::string_view schedule_id,
                        const FireOutcome& fire, TimePoint fired_at,
                        const std::optional<std::string>& run_id, std::string_view reason) {
  auto insert = connection.Prepare(
      "INSERT OR IGNORE INTO schedule_fires (schedule_id, scheduled_for, fired_at, run_id, "
      "skipped_reason) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return std::move(insert).error();
  BATUTA_RETURN_IF_ERROR(insert->Bind(1, schedule_id));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 2, fire.scheduled_for));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 3, fired_at));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*insert, 4, run_id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(5, reason));
  BATUTA_RETURN_IF_ERROR(insert->Run());
  return insert->Changes() > 0;
}

}  // namespace

Status SqliteScheduleRepository::Create(const ScheduleRecord& schedule) {
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  {
    auto job = writer->Prepare("SELECT 1 FROM jobs WHERE id = ?1");
    if (!job.ok()) return std::move(job).error();
    BATUTA_RETURN_IF_ERROR(job->Bind(1, schedule.job_id));
    auto row = job->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) return Error::NotFound(fmt::format("no job with id '{}'", schedule.job_id));
  }
  {
    auto insert = writer->Prepare(
        "INSERT INTO schedules (id, job_id, spec, misfire, enabled, next_fire_at, "
        "last_scheduled_for, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!insert.ok()) return std::move(insert).error();
    BATUTA_RETURN_IF_ERROR(insert->Bind(1, schedule.id));
    BATUTA_RETURN_IF_ERROR(insert->Bind(2, schedule.job_id));
    BATUTA_RETURN_IF_ERROR(BindJson(*insert, 3, schedule.spec));
    BATUTA_RETURN_IF_ERROR(BindJson(*insert, 4, schedule.misfire));
    BATUTA_RETURN_IF_ERROR(BindBool(*insert, 5, schedule.enabled));
    BATUTA_RETURN_IF_ERROR(BindOptionalTime(*insert, 6, schedule.next_fire_at));
    BATUTA_RETURN_IF_ERROR(BindOptionalTime(*insert, 7, schedule.last_scheduled_for));
    BATUTA_RETURN_IF_ERROR(BindTime(*insert, 8, schedule.created_at));
    BATUTA_RETURN_IF_ERROR(BindTime(*insert, 9, schedule.updated_at));
    auto ran = insert->Run();
    if (!ran.ok() && ran.error().code == ErrorCode::kConflict) {
      return Error::Conflict(fmt::format("a schedule with id '{}' exists", schedule.id));
    }
    BATUTA_RETURN_IF_ERROR(std::move(ran));
  }
  return transaction->Commit();
}

Status SqliteScheduleRepository::Update(const ScheduleRecord& schedule) {
  auto writer = pool_.Writer();
  auto update = writer->Prepare(
      "UPDATE schedules SET spec = ?2, misfire = ?3, enabled = ?4, next_fire_at = ?5, "
      "updated_at = ?6 WHERE id = ?1");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, schedule.id));
  BATUTA_RETURN_IF_ERROR(BindJson(*update, 2, schedule.spec));
  BATUTA_RETURN_IF_ERROR(BindJson(*update, 3, schedule.misfire));
  BATUTA_RETURN_IF_ERROR(BindBool(*update, 4, schedule.enabled));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(*update, 5, schedule.next_fire_at));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 6, schedule.updated_at));
  BATUTA_RETURN_IF_ERROR(update->Run());
  if (update->Changes() == 0) {
    return Error::NotFound(fmt::format("no schedule with id '{}'", schedule.id));
  }
  return Ok();
}

Status SqliteScheduleRepository::Delete(std::string_view id) {
  auto writer = pool_.Writer();
  auto remove = writer->Prepare("DELETE FROM schedules WHERE id = ?1");
  if (!remove.ok()) return std::move(remove).error();
  BATUTA_RETURN_IF_ERROR(remove->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(remove->Run());
  if (remove->Changes() == 0) return Error::NotFound(fmt::format("no schedule with id '{}'", id));
  return Ok();
}

Result<std::optional<ScheduleRecord>> SqliteScheduleRepository::FindById(std::string_view id) {
  auto reader = pool_.Reader();
  static const std::string kSelect =
      fmt::format("SELECT {} FROM schedules s WHERE s.id = ?1", kScheduleColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, id));
  auto schedules = ReadSchedules(*select);
  if (!schedules.ok()) return std::move(schedules).error();
  if (schedules->empty()) return std::optional<ScheduleRecord>();
  return std::optional<ScheduleRecord>(std::move(schedules->front()));
}

Result<std::vector<ScheduleRecord>> SqliteScheduleRepository::ListForJob(std::string_view job_id) {
  auto reader = pool_.Reader();
  static const std::string kSelect =
      fmt::format("SELECT {} FROM schedules s WHERE s.job_id = ?1 ORDER BY s.created_at, s.id",
                  kScheduleColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, job_id));
  return ReadSchedules(*select);
}

Result<std::vector<ScheduleRecord>> SqliteScheduleRepository::ListDue(TimePoint now, int limit) {
  auto reader = pool_.Reader();
  static const std::string kSelect =
      fmt::format("SELECT {} {} AND s.next_fire_at <= ?1 ORDER BY s.next_fire_at, s.id LIMIT ?2",
                  kScheduleColumns, kDueFrom);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(BindTime(*select, 1, now));
  BATUTA_RETURN_IF_ERROR(select->Bind(2, std::int64_t{std::max(limit, 0)}));
  return ReadSchedules(*select);
}

Result<std::optional<TimePoint>> SqliteScheduleRepository::EarliestNextFire() {
  auto reader = pool_.Reader();
  static const std::string kSelect =
      fmt::format("SELECT s.next_fire_at {} ORDER BY s.next_fire_at, s.id LIMIT 1", kDueFrom);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<TimePoint>();
  return ColumnOptionalTime(*select, 0);
}

Result<bool> SqliteScheduleRepository::Advance(const ScheduleAdvance& advance) {
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  auto applied = ApplyAdvance(*writer, advance);
  if (!applied.ok()) return std::move(applied).error();
  BATUTA_RETURN_IF_ERROR(transaction->Commit());
  return *applied;
}

Result<std::vector<bool>> SqliteScheduleRepository::AdvanceMany(
    const std::vector<ScheduleAdvance>& advances) {
  std::vector<bool> applied;
  applied.reserve(advances.size());
  if (advances.empty()) return applied;
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  for (const auto& advance : advances) {
    auto one = ApplyAdvance(*writer, advance);
    if (!one.ok()) return std::move(one).error();
    applied.push_back(*one);
  }
  BATUTA_RETURN_IF_ERROR(transaction->Commit());
  return applied;
}

Result<bool> SqliteScheduleRepository::ApplyAdvance(Connection& writer_connection,
                                                    const ScheduleAdvance& advance) {
  Connection* writer = &writer_connection;
  {
    // IS: NULL-aware equality, so "never fires again" compares equal to itself.
    auto check = writer->Prepare("SELECT 1 FROM schedules WHERE id = ?1 AND next_fire_at IS ?2");
    if (!check.ok()) return std::move(check).error();
    BATUTA_RETURN_IF_ERROR(check->Bind(1, advance.schedule_id));
    BATUTA_RETURN_IF_ERROR(BindOptionalTime(*check, 2, advance.expected_next_fire_at));
    auto row = check->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) return false;
  }

  // Per job: whether it has a queued or running run, counting the runs this advance queues.
  std::optional<std::string> active_job;
  bool job_active = false;
  std::optional<TimePoint> latest;
  for (const FireOutcome& fire : advance.fires) {
    if (!latest || fire.scheduled_for > *latest) latest = fire.scheduled_for;
    const RunRecord* run = fire.run ? &*fire.run : nullptr;
    std::string reason = fire.skipped_reason;
    if (run != nullptr && advance.skip_if_job_active) {
      if (active_job != run->job_id) {
        auto active = JobIsActive(*writer, run->job_id);
        if (!active.ok()) return std::move(active).error();
        active_job = run->job_id;
        job_active = *active;
      }
      if (job_active) {
        run = nullptr;
        reason = "overlap";
      }
    }
    std::optional<std::string> run_id;
    if (run != nullptr) run_id = run->id;
    auto inserted = InsertFire(*writer, advance.schedule_id, fire, advance.now, run_id, reason);
    if (!inserted.ok()) return std::move(inserted).error();
    if (!*inserted || run == nullptr) continue;  // fired before: its run exists already
    BATUTA_RETURN_IF_ERROR(InsertRun(*writer, *run));
    if (active_job == run->job_id) job_active = true;
  }

  {
    // last_scheduled_for only moves forward.
    auto update = writer->Prepare(
        "UPDATE schedules SET next_fire_at = ?2, updated_at = ?3, last_scheduled_for = "
        "CASE WHEN ?4 IS NOT NULL AND (last_scheduled_for IS NULL OR last_scheduled_for < ?4) "
        "THEN ?4 ELSE last_scheduled_for END WHERE id = ?1");
    if (!update.ok()) return std::move(update).error();
    BATUTA_RETURN_IF_ERROR(update->Bind(1, advance.schedule_id));
    BATUTA_RETURN_IF_ERROR(BindOptionalTime(*update, 2, advance.next_fire_at));
    BATUTA_RETURN_IF_ERROR(BindTime(*update, 3, advance.now));
    BATUTA_RETURN_IF_ERROR(BindOptionalTime(*update, 4, latest));
    BATUTA_RETURN_IF_ERROR(update->Run());
  }
  return true;
}

Result<std::vector<ScheduleFireRecord>> SqliteScheduleRepository::ListFires(
    std::string_view schedule_id, int limit) {
  auto reader = pool_.Reader();
  auto select = reader->Prepare(
      "SELECT schedule_id, scheduled_for, fired_at, run_id, skipped_reason FROM schedule_fires "
      "WHERE schedule_id = ?1 ORDER BY scheduled_for DESC LIMIT ?2");
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, schedule_id));
  BATUTA_RETURN_IF_ERROR(select->Bind(2, std::int64_t{std::max(limit, 0)}));
  std::vector<ScheduleFireRecord> fires;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    ScheduleFireRecord fire;
    fire.schedule_id = select->ColumnText(0);
    auto scheduled_for = ColumnTime(*select, 1);
    if (!scheduled_for.ok()) return std::move(scheduled_for).error();
    fire.scheduled_for = *scheduled_for;
    auto fired_at = ColumnTime(*select, 2);
    if (!fired_at.ok()) return std::move(fired_at).error();
    fire.fired_at = *fired_at;
    fire.run_id = ColumnOptionalText(*select, 3);
    fire.skipped_reason = select->ColumnText(4);
    fires.push_back(std::move(fire));
  }
  return fires;
}

}  // namespace batuta::sqlite
