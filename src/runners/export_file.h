#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "datasets/row_index.h"
#include "formats/csv_writer.h"
#include "rows/row.h"
#include "runners/hashing_sink.h"
#include "storage/local_storage.h"

namespace batuta::runners {

// What a finished export file is, for its artifact record.
struct ExportedFile {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::string sha256;
  std::vector<rows::Column> columns;
};

// One CSV file being exported into a storage: the rows go through the CSV writer, a SHA-256
// of the file's bytes and a row index (a checkpoint every datasets::kCheckpointInterval rows),
// into an AtomicFile, so readers of `path` see the previous file until Commit.
//
// `sink()` is what the rows are streamed into. `recorded_columns` replaces, in the artifact,
// the columns the sink was begun with (an accumulating export begins its writer with text
// columns, since the old rows are already formatted, but records the query's types).
// Not thread-safe.
class ExportFile {
 public:
  static Result<std::unique_ptr<ExportFile>> Create(const storage::LocalStorage& storage,
                                                    const std::string& path,
                                                    formats::CsvOptions options);

  rows::RowSink& sink() { return sink_; }

  // Finishes the file and its index, writes the index to `kept_index_path`, keeps a copy of
  // the file at `kept_path` and puts it in place at `path`, in that order: a failure before
  // the last step leaves `path` as it was.
  Result<ExportedFile> Commit(const std::string& kept_path, const std::string& kept_index_path,
                              std::vector<rows::Column> recorded_columns = {});

  std::uint64_t rows() const { return writer_.rows_written(); }

 private:
  // Forwards to the writer, recording a checkpoint every kCheckpointInterval rows.
  class IndexingSink final : public rows::RowSink {
   public:
    explicit IndexingSink(ExportFile& file) : file_(file) {}
    Status Begin(std::span<const rows::Column> columns) override;
    Status Row(std::span<const rows::Cell> cells) override;

   private:
    ExportFile& file_;
  };

  ExportFile(const storage::LocalStorage& storage, std::unique_ptr<storage::AtomicFile> file,
             formats::CsvOptions options);

  const storage::LocalStorage& storage_;
  std::unique_ptr<storage::AtomicFile> file_;
  HashingSink hashing_;
  formats::CsvWriter writer_;
  datasets::RowIndexBuilder index_;
  IndexingSink sink_{*this};
  std::vector<rows::Column> columns_;
  bool begun_ = false;
};

}  // namespace batuta::runners
