#include "store/sqlite/sqlite_artifact_repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

#include "store/sqlite/columns.h"
#include "store/sqlite/transaction.h"

namespace batuta::sqlite {
namespace {

constexpr std::string_view kColumns =
    "a.id, a.run_id, a.job_id, a.dataset, a.storage, a.path, a.kept_path, a.index_path, "
    "a.content_type, a.rows, a.bytes, a.columns, a.format, a.sha256, a.created_at";
constexpr int kColumnCount = 15;

Result<ArtifactRecord> ReadArtifact(const Statement& statement) {
  ArtifactRecord artifact;
  artifact.id = statement.ColumnText(0);
  artifact.run_id = statement.ColumnText(1);
  artifact.job_id = statement.ColumnText(2);
  artifact.dataset = statement.ColumnText(3);
  artifact.storage = statement.ColumnText(4);
  artifact.path = statement.ColumnText(5);
  artifact.kept_path = statement.ColumnText(6);
  artifact.index_path = statement.ColumnText(7);
  artifact.content_type = statement.ColumnText(8);
  artifact.rows = statement.ColumnInt(9);
  artifact.bytes = statement.ColumnInt(10);
  auto columns = ColumnJson(statement, 11, "artifacts.columns");
  if (!columns.ok()) return std::move(columns).error();
  artifact.columns = std::move(*columns);
  auto format = ColumnJson(statement, 12, "artifacts.format");
  if (!format.ok()) return std::move(format).error();
  artifact.format = std::move(*format);
  artifact.sha256 = statement.ColumnText(13);
  auto created = ColumnTime(statement, 14);
  if (!created.ok()) return std::move(created).error();
  artifact.created_at = *created;
  return artifact;
}

Result<std::vector<ArtifactRecord>> ReadArtifacts(Statement& select) {
  std::vector<ArtifactRecord> artifacts;
  while (true) {
    auto row = select.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto artifact = ReadArtifact(select);
    if (!artifact.ok()) return std::move(artifact).error();
    artifacts.push_back(std::move(artifact).value());
  }
  return artifacts;
}

// Rows of "SELECT <artifact columns>, d.name, d.job_id, d.updated_at".
Result<DatasetRecord> ReadDataset(const Statement& statement) {
  auto artifact = ReadArtifact(statement);
  if (!artifact.ok()) return std::move(artifact).error();
  DatasetRecord dataset;
  dataset.current = std::move(artifact).value();
  dataset.name = statement.ColumnText(kColumnCount);
  dataset.job_id = statement.ColumnText(kColumnCount + 1);
  auto updated = ColumnTime(statement, kColumnCount + 2);
  if (!updated.ok()) return std::move(updated).error();
  dataset.updated_at = *updated;
  return dataset;
}

Status InsertArtifact(Connection& db, const ArtifactRecord& artifact) {
  auto insert = db.Prepare(
      "INSERT INTO artifacts (id, run_id, job_id, dataset, storage, path, kept_path, "
      "index_path, content_type, rows, bytes, columns, format, sha256, created_at) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  if (!insert.ok()) return std::move(insert).error();
  BATUTA_RETURN_IF_ERROR(insert->Bind(1, artifact.id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(2, artifact.run_id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(3, artifact.job_id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(4, artifact.dataset));
  BATUTA_RETURN_IF_ERROR(insert->Bind(5, artifact.storage));
  BATUTA_RETURN_IF_ERROR(insert->Bind(6, artifact.path));
  BATUTA_RETURN_IF_ERROR(insert->Bind(7, artifact.kept_path));
  BATUTA_RETURN_IF_ERROR(insert->Bind(8, artifact.index_path));
  BATUTA_RETURN_IF_ERROR(insert->Bind(9, artifact.content_type));
  BATUTA_RETURN_IF_ERROR(insert->Bind(10, artifact.rows));
  BATUTA_RETURN_IF_ERROR(insert->Bind(11, artifact.bytes));
  BATUTA_RETURN_IF_ERROR(BindJson(*insert, 12, artifact.columns));
  BATUTA_RETURN_IF_ERROR(BindJson(*insert, 13, artifact.format));
  BATUTA_RETURN_IF_ERROR(insert->Bind(14, artifact.sha256));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 15, artifact.created_at));
  auto ran = insert->Run();
  if (!ran.ok() && ran.error().code == ErrorCode::kConflict) {
    return Error::Conflict(fmt::format("an artifact with id '{}' exists", artifact.id));
  }
  return ran;
}

}  // namespace

Status SqliteArtifactRepository::Create(const ArtifactRecord& artifact) {
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  BATUTA_RETURN_IF_ERROR(InsertArtifact(*writer, artifact));
  if (!artifact.dataset.empty()) {
    auto upsert = writer->Prepare(
        "INSERT INTO datasets (name, job_id, current_artifact_id, updated_at) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET job_id = excluded.job_id, "
        "current_artifact_id = excluded.current_artifact_id, updated_at = excluded.updated_at");
    if (!upsert.ok()) return std::move(upsert).error();
    BATUTA_RETURN_IF_ERROR(upsert->Bind(1, artifact.dataset));
    BATUTA_RETURN_IF_ERROR(upsert->Bind(2, artifact.job_id));
    BATUTA_RETURN_IF_ERROR(upsert->Bind(3, artifact.id));
    BATUTA_RETURN_IF_ERROR(BindTime(*upsert, 4, artifact.created_at));
    BATUTA_RETURN_IF_ERROR(upsert->Run());
  }
  return transaction->Commit();
}

Result<std::optional<ArtifactRecord>> SqliteArtifactRepository::FindById(std::string_view id) {
  auto reader = pool_.Reader();
  static const std::string kSelect =
      fmt::format("SELECT {} FROM artifacts a WHERE a.id = ?1", kColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, id));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<ArtifactRecord>();
  auto artifact = ReadArtifact(*select);
  if (!artifact.ok()) return std::move(artifact).error();
  return std::optional<ArtifactRecord>(std::move(artifact).value());
}

Result<std::vector<ArtifactRecord>> SqliteArtifactRepository::ListByRun(std::string_view run_id) {
  auto reader = pool_.Reader();
  static const std::string kSelect =
      fmt::format("SELECT {} FROM artifacts a WHERE a.run_id = ?1 ORDER BY a.id", kColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, run_id));
  return ReadArtifacts(*select);
}

Result<std::vector<ArtifactRecord>> SqliteArtifactRepository::ListVersions(std::string_view dataset,
                                                                           int limit) {
  auto reader = pool_.Reader();
  static const std::string kSelect = fmt::format(
      "SELECT {} FROM artifacts a WHERE a.dataset = ?1 AND a.dataset <> '' "
      "ORDER BY a.id DESC LIMIT ?2",
      kColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, dataset));
  BATUTA_RETURN_IF_ERROR(select->Bind(2, std::int64_t{std::max(limit, 0)}));
  return ReadArtifacts(*select);
}

Status SqliteArtifactRepository::Delete(std::string_view id) {
  auto writer = pool_.Writer();
  auto remove = writer->Prepare("DELETE FROM artifacts WHERE id = ?1");
  if (!remove.ok()) return std::move(remove).error();
  BATUTA_RETURN_IF_ERROR(remove->Bind(1, id));
  auto ran = remove->Run();
  if (!ran.ok() && ran.error().code == ErrorCode::kConflict) {
    return Error::Conflict(
        fmt::format("artifact '{}' is the current version of a dataset and cannot be deleted", id));
  }
  BATUTA_RETURN_IF_ERROR(std::move(ran));
  if (remove->Changes() == 0) return Error::NotFound(fmt::format("no artifact with id '{}'", id));
  return Ok();
}

Result<std::vector<DatasetRecord>> SqliteArtifactRepository::ListDatasets() {
  auto reader = pool_.Reader();
  static const std::string kSelect = fmt::format(
      "SELECT {}, d.name, d.job_id, d.updated_at FROM datasets d "
      "JOIN artifacts a ON a.id = d.current_artifact_id ORDER BY d.name",
      kColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  std::vector<DatasetRecord> datasets;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto dataset = ReadDataset(*select);
    if (!dataset.ok()) return std::move(dataset).error();
    datasets.push_back(std::move(dataset).value());
  }
  return datasets;
}

Result<std::optional<DatasetRecord>> SqliteArtifactRepository::FindDataset(std::string_view name) {
  auto reader = pool_.Reader();
  static const std::string kSelect = fmt::format(
      "SELECT {}, d.name, d.job_id, d.updated_at FROM datasets d "
      "JOIN artifacts a ON a.id = d.current_artifact_id WHERE d.name = ?1",
      kColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, name));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<DatasetRecord>();
  auto dataset = ReadDataset(*select);
  if (!dataset.ok()) return std::move(dataset).error();
  return std::optional<DatasetRecord>(std::move(dataset).value());
}

Status SqliteArtifactRepository::DeleteDataset(std::string_view name) {
  auto writer = pool_.Writer();
  auto remove = writer->Prepare("DELETE FROM datasets WHERE name = ?1");
  if (!remove.ok()) return std::move(remove).error();
  BATUTA_RETURN_IF_ERROR(remove->Bind(1, name));
  BATUTA_RETURN_IF_ERROR(remove->Run());
  if (remove->Changes() == 0) return Error::NotFound(fmt::format("no dataset named '{}'", name));
  return Ok();
}

}  // namespace batuta::sqlite
