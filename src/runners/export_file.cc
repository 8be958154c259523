#include "runners/export_file.h"

#include <fmt/format.h>

#include <utility>

namespace batuta::runners {

Result<std::unique_ptr<ExportFile>> ExportFile::Create(const storage::LocalStorage& storage,
                                                       const std::string& path,
                                                       formats::CsvOptions options) {
  auto file = storage.CreateAtomic(path);
  if (!file.ok()) return std::move(file).error();
  return std::unique_ptr<ExportFile>(
      new ExportFile(storage, std::move(file).value(), std::move(options)));
}

ExportFile::ExportFile(const storage::LocalStorage& storage,
                       std::unique_ptr<storage::AtomicFile> file, formats::CsvOptions options)
    : storage_(storage),
      file_(std::move(file)),
      hashing_(*file_),
      writer_(hashing_, std::move(options)) {}

Status ExportFile::IndexingSink::Begin(std::span<const rows::Column> columns) {
  file_.columns_.assign(columns.begin(), columns.end());
  file_.begun_ = true;
  return file_.writer_.Begin(columns);
}

Status ExportFile::IndexingSink::Row(std::span<const rows::Cell> cells) {
  const std::uint64_t row = file_.writer_.rows_written();
  if (row > 0 && row % datasets::kCheckpointInterval == 0) {
    auto position = file_.writer_.SyncPoint();
    if (!position.ok()) return std::move(position).error();
    BATUTA_RETURN_IF_ERROR(
        file_.index_.Add({position->row, position->raw_offset, position->file_offset}));
  }
  return file_.writer_.Row(cells);
}

Result<ExportedFile> ExportFile::Commit(const std::string& kept_path,
                                        const std::string& kept_index_path,
                                        std::vector<rows::Column> recorded_columns) {
  if (!begun_) return Error::Internal("an export file was committed before its rows began");
  BATUTA_RETURN_IF_ERROR(writer_.Finish());
  ExportedFile exported;
  exported.rows = writer_.rows_written();
  exported.bytes = hashing_.bytes();
  exported.sha256 = hashing_.HexDigest();
  exported.columns = recorded_columns.empty() ? columns_ : std::move(recorded_columns);

  datasets::RowIndexSummary summary;
  summary.rows = exported.rows;
  summary.columns = static_cast<std::uint32_t>(columns_.size());
  summary.header = writer_.options().header;
  summary.gzip = writer_.options().gzip;
  summary.raw_size = writer_.bytes_written();
  summary.file_size = exported.bytes;
  auto index_file = storage_.CreateAtomicKept(kept_index_path);
  if (!index_file.ok()) return std::move(index_file).error();
  BATUTA_RETURN_IF_ERROR(index_.Finish(summary, **index_file));
  BATUTA_RETURN_IF_ERROR((*index_file)->Commit());
  BATUTA_RETURN_IF_ERROR(file_->Commit(kept_path));
  return exported;
}

}  // namespace batuta::runners
