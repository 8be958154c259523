#include "api/dataset_files.h"

#include <fmt/format.h>

#include "formats/csv_options.h"
#include "storage/local_storage.h"

namespace batuta::api {

Result<std::filesystem::path> DatasetFiles::KeptFile(const ArtifactRecord& artifact) {
  auto folder = connections_.ResolveStorage(artifact.storage);
  if (!folder.ok()) return std::move(folder).error();
  auto storage = storage::LocalStorage::Open(*folder);
  if (!storage.ok()) return std::move(storage).error();
  return storage->ResolveKept(artifact.kept_path);
}

Result<datasets::DatasetInfo> DatasetFiles::Describe(const ArtifactRecord& artifact) {
  auto folder = connections_.ResolveStorage(artifact.storage);
  if (!folder.ok()) return std::move(folder).error();
  auto storage = storage::LocalStorage::Open(*folder);
  if (!storage.ok()) return std::move(storage).error();
  datasets::DatasetInfo info;
  info.name = artifact.dataset;
  info.version = artifact.id;
  auto file = storage->ResolveKept(artifact.kept_path);
  if (!file.ok()) return std::move(file).error();
  info.csv_path = file->string();
  auto options = formats::ParseCsvOptions(artifact.format, "format");
  if (!options.ok()) {
    return Error::Internal(fmt::format("artifact {} has an unreadable format: {}", artifact.id,
                                       options.error().message));
  }
  info.options = std::move(options).value();
  for (const auto& column : artifact.columns) {
    rows::Column parsed;
    parsed.name = column.value("name", "");
    parsed.type =
        rows::ParseColumnType(column.value("type", "text")).value_or(rows::ColumnType::kText);
    parsed.source_type = column.value("source_type", "");
    info.columns.push_back(std::move(parsed));
  }
  info.total_rows = static_cast<std::uint64_t>(artifact.rows);
  if (artifact.index_path.empty()) return info;
  auto index_file = storage->ResolveKept(artifact.index_path);
  if (!index_file.ok()) return std::move(index_file).error();
  info.index_path = index_file->string();
  {
    std::lock_guard lock(mutex_);
    if (const auto it = indexes_.find(artifact.id); it != indexes_.end()) {
      info.index = it->second;
      return info;
    }
  }
  auto index = datasets::RowIndex::Load(info.index_path);
  if (!index.ok()) return std::move(index).error();
  auto shared = std::make_shared<const datasets::RowIndex>(std::move(index).value());
  std::lock_guard lock(mutex_);
  if (indexes_.size() >= kCachedIndexes) indexes_.erase(indexes_.begin());
  indexes_.emplace(artifact.id, shared);
  info.index = std::move(shared);
  return info;
}

}  // namespace batuta::api
