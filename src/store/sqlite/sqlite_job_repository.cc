#include "store/sqlite/sqlite_job_repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

#include "store/sqlite/columns.h"
#include "store/sqlite/transaction.h"

namespace batuta::sqlite {
namespace {

constexpr std::string_view kJobColumns =
    "id, name, enabled, version, definition, created_at, updated_at, updated_by";
constexpr std::string_view kVersionColumns = "job_id, version, definition, created_at, created_by";

Result<JobRecord> ReadJob(const Statement& statement) {
  JobRecord job;
  job.id = statement.ColumnText(0);
  job.name = statement.ColumnText(1);
  job.enabled = statement.ColumnInt(2) != 0;
  job.version = statement.ColumnInt(3);
  auto definition = ColumnJson(statement, 4, "jobs.definition");
  if (!definition.ok()) return std::move(definition).error();
  job.definition = std::move(*definition);
  auto created = ColumnTime(statement, 5);
  if (!created.ok()) return std::move(created).error();
  job.created_at = *created;
  auto updated = ColumnTime(statement, 6);
  if (!updated.ok()) return std::move(updated).error();
  job.updated_at = *updated;
  job.updated_by = statement.ColumnText(7);
  return job;
}

Result<JobVersionRecord> ReadVersion(const Statement& statement) {
  JobVersionRecord version;
  version.job_id = statement.ColumnText(0);
  version.version = statement.ColumnInt(1);
  auto definition = ColumnJson(statement, 2, "job_versions.definition");
  if (!definition.ok()) return std::move(definition).error();
  version.definition = std::move(*definition);
  auto created = ColumnTime(statement, 3);
  if (!created.ok()) return std::move(created).error();
  version.created_at = *created;
  version.created_by = statement.ColumnText(4);
  return version;
}

Result<std::optional<JobRecord>> SelectJob(Connection& connection, std::string_view column,
                                           std::string_view value) {
  auto select =
      connection.Prepare(fmt::format("SELECT {} FROM jobs WHERE {} = ?1", kJobColumns, column));
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, value));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<JobRecord>();
  auto job = ReadJob(*select);
  if (!job.ok()) return std::move(job).error();
  return std::optional<JobRecord>(std::move(job).value());
}

// True when a job other than `except_id` is called `name`.
Result<bool> NameTaken(Connection& connection, std::string_view name, std::string_view except_id) {
  auto select = connection.Prepare("SELECT 1 FROM jobs WHERE name = ?1 AND id <> ?2");
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, name));
  BATUTA_RETURN_IF_ERROR(select->Bind(2, except_id));
  return select->Step();
}

Error NameTakenError(std::string_view name) {
  return Error::Conflict(fmt::format("the job name '{}' is taken", name));
}

Status InsertVersion(Connection& connection, const JobVersionRecord& version) {
  auto insert = connection.Prepare(
      "INSERT INTO job_versions (job_id, version, definition, created_at, created_by) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return std::move(insert).error();
  BATUTA_RETURN_IF_ERROR(insert->Bind(1, version.job_id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(2, version.version));
  BATUTA_RETURN_IF_ERROR(BindJson(*insert, 3, version.definition));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 4, version.created_at));
  BATUTA_RETURN_IF_ERROR(insert->Bind(5, version.created_by));
  return insert->Run();
}

}  // namespace

Status SqliteJobRepository::Create(const JobRecord& job) {
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  auto taken = NameTaken(*writer, job.name, job.id);
  if (!taken.ok()) return std::move(taken).error();
  if (*taken) return NameTakenError(job.name);
  {
    auto insert = writer->Prepare(
        "INSERT INTO jobs (id, name, enabled, version, definition, created_at, updated_at, "
        "updated_by) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7)");
    if (!insert.ok()) return std::move(insert).error();
    BATUTA_RETURN_IF_ERROR(insert->Bind(1, job.id));
    BATUTA_RETURN_IF_ERROR(insert->Bind(2, job.name));
    BATUTA_RETURN_IF_ERROR(BindBool(*insert, 3, job.enabled));
    BATUTA_RETURN_IF_ERROR(BindJson(*insert, 4, job.definition));
    BATUTA_RETURN_IF_ERROR(BindTime(*insert, 5, job.created_at));
    BATUTA_RETURN_IF_ERROR(BindTime(*insert, 6, job.updated_at));
    BATUTA_RETURN_IF_ERROR(insert->Bind(7, job.updated_by));
    auto ran = insert->Run();
    if (!ran.ok() && ran.error().code == ErrorCode::kConflict) {
      return Error::Conflict(fmt::format("a job with id '{}' exists", job.id));
    }
    BATUTA_RETURN_IF_ERROR(std::move(ran));
  }
  BATUTA_RETURN_IF_ERROR(
      InsertVersion(*writer, {job.id, 1, job.definition, job.created_at, job.updated_by}));
  return transaction->Commit();
}

Result<JobRecord> SqliteJobRepository::Update(std::string_view id, std::int64_t expected_version,
                                              std::string_view name,
                                              const nlohmann::json& definition, TimePoint now,
                                              std::string_view actor) {
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  {
    auto select = writer->Prepare("SELECT version FROM jobs WHERE id = ?1");
    if (!select.ok()) return std::move(select).error();
    BATUTA_RETURN_IF_ERROR(select->Bind(1, id));
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) return Error::NotFound(fmt::format("no job with id '{}'", id));
    const std::int64_t current = select->ColumnInt(0);
    if (current != expected_version) {
      return Error{ErrorCode::kConflict,
                   fmt::format("job '{}' is at version {}, not {}: it was edited meanwhile", id,
                               current, expected_version),
                   {{"reason", "stale_version"}, {"version", current}}};
    }
  }
  auto taken = NameTaken(*writer, name, id);
  if (!taken.ok()) return std::move(taken).error();
  if (*taken) return NameTakenError(name);

  JobRecord job;
  {
    static const std::string kUpdate = fmt::format(
        "UPDATE jobs SET name = ?2, version = version + 1, definition = ?3, updated_at = ?4, "
        "updated_by = ?5 WHERE id = ?1 RETURNING {}",
        kJobColumns);
    auto update = writer->Prepare(kUpdate);
    if (!update.ok()) return std::move(update).error();
    BATUTA_RETURN_IF_ERROR(update->Bind(1, id));
    BATUTA_RETURN_IF_ERROR(update->Bind(2, name));
    BATUTA_RETURN_IF_ERROR(BindJson(*update, 3, definition));
    BATUTA_RETURN_IF_ERROR(BindTime(*update, 4, now));
    BATUTA_RETURN_IF_ERROR(update->Bind(5, actor));
    auto row = update->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) return Error::Internal("UPDATE jobs ... RETURNING returned no row");
    auto read = ReadJob(*update);
    if (!read.ok()) return std::move(read).error();
    job = std::move(read).value();
    BATUTA_RETURN_IF_ERROR(update->Run());
  }
  BATUTA_RETURN_IF_ERROR(
      InsertVersion(*writer, {job.id, job.version, job.definition, now, std::string(actor)}));
  BATUTA_RETURN_IF_ERROR(transaction->Commit());
  return job;
}

Status SqliteJobRepository::SetEnabled(std::string_view id, bool enabled, TimePoint now) {
  auto writer = pool_.Writer();
  auto update = writer->Prepare("UPDATE jobs SET enabled = ?2, updated_at = ?3 WHERE id = ?1");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(BindBool(*update, 2, enabled));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 3, now));
  BATUTA_RETURN_IF_ERROR(update->Run());
  if (update->Changes() == 0) return Error::NotFound(fmt::format("no job with id '{}'", id));
  return Ok();
}

Status SqliteJobRepository::Delete(std::string_view id) {
  auto writer = pool_.Writer();
  // One statement: the cascades to versions, schedules and fires are part of it.
  auto remove = writer->Prepare("DELETE FROM jobs WHERE id = ?1");
  if (!remove.ok()) return std::move(remove).error();
  BATUTA_RETURN_IF_ERROR(remove->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(remove->Run());
  if (remove->Changes() == 0) return Error::NotFound(fmt::format("no job with id '{}'", id));
  return Ok();
}

Result<std::optional<JobRecord>> SqliteJobRepository::FindById(std::string_view id) {
  auto reader = pool_.Reader();
  return SelectJob(*reader, "id", id);
}

Result<std::optional<JobRecord>> SqliteJobRepository::FindByName(std::string_view name) {
  auto reader = pool_.Reader();
  return SelectJob(*reader, "name", name);
}

Result<std::vector<JobRecord>> SqliteJobRepository::List(const JobFilter& filter) {
  auto reader = pool_.Reader();
  // Unset filters are bound as NULL and match everything (few rows: no index to lose).
  static const std::string kSelect = fmt::format(
      "SELECT {} FROM jobs j "
      "WHERE (?1 IS NULL OR EXISTS ("
      "  SELECT 1 FROM json_each(j.definition, '$.tags') t WHERE t.value = ?1)) "
      "AND (?2 IS NULL OR json_extract(j.definition, '$.type') = ?2) "
      "AND (?3 IS NULL OR j.enabled = ?3) AND (?4 IS NULL OR j.name > ?4) "
      "ORDER BY j.name LIMIT ?5",
      kJobColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*select, 1, filter.tag));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*select, 2, filter.type));
  if (filter.enabled) {
    BATUTA_RETURN_IF_ERROR(BindBool(*select, 3, *filter.enabled));
  } else {
    BATUTA_RETURN_IF_ERROR(select->BindNull(3));
  }
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*select, 4, filter.after_name));
  BATUTA_RETURN_IF_ERROR(select->Bind(5, std::int64_t{std::max(filter.limit, 0)}));
  std::vector<JobRecord> jobs;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto job = ReadJob(*select);
    if (!job.ok()) return std::move(job).error();
    jobs.push_back(std::move(job).value());
  }
  return jobs;
}

Result<JobVersionRecord> SqliteJobRepository::FindVersion(std::string_view job_id,
                                                          std::int64_t version) {
  auto reader = pool_.Reader();
  static const std::string kSelect = fmt::format(
      "SELECT {} FROM job_versions WHERE job_id = ?1 AND version = ?2", kVersionColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, job_id));
  BATUTA_RETURN_IF_ERROR(select->Bind(2, version));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) {
    return Error::NotFound(fmt::format("job '{}' has no version {}", job_id, version));
  }
  return ReadVersion(*select);
}

Result<JobCounts> SqliteJobRepository::Count() {
  auto reader = pool_.Reader();
  auto count = reader->Prepare("SELECT count(*), coalesce(sum(enabled), 0) FROM jobs");
  if (!count.ok()) return std::move(count).error();
  auto row = count->Step();
  if (!row.ok()) return std::move(row).error();
  return JobCounts{.total = count->ColumnInt(0), .enabled = count->ColumnInt(1)};
}

Result<std::vector<JobVersionRecord>> SqliteJobRepository::ListVersions(std::string_view job_id) {
  auto reader = pool_.Reader();
  static const std::string kSelect = fmt::format(
      "SELECT {} FROM job_versions WHERE job_id = ?1 ORDER BY version DESC", kVersionColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, job_id));
  std::vector<JobVersionRecord> versions;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto version = ReadVersion(*select);
    if (!version.ok()) return std::move(version).error();
    versions.push_back(std::move(version).value());
  }
  return versions;
}

}  // namespace batuta::sqlite
