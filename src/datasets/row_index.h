#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_sink.h"
#include "core/result.h"
#include "datasets/csv_reader.h"
#include "formats/csv_options.h"

namespace batuta::datasets {

// Checkpoints every this many rows are what the exporter is expected to record: a page then
// parses at most kCheckpointInterval - 1 records before its first row.
inline constexpr std::uint64_t kCheckpointInterval = 1024;

// What the index says about its CSV file as a whole.
struct RowIndexSummary {
  std::uint64_t rows = 0;      // data rows in the file
  std::uint32_t columns = 0;   // fields per record
  bool header = false;         // the stream starts with a header record
  bool gzip = false;           // the checkpoints' file offsets are full-flush points of a gzip file
  std::uint64_t raw_size = 0;  // bytes of the uncompressed stream; 0 when unknown
  std::uint64_t file_size = 0;  // bytes of the file; 0 when unknown (else readers check it)

  friend bool operator==(const RowIndexSummary&, const RowIndexSummary&) = default;
};

// Collects the checkpoints of one CSV file while it is written (CsvWriter::SyncPoint) and
// writes the index file. Format, all integers little-endian:
//
//   offset  size  field
//   0       8     magic "BTRWIDX\0"
//   8       4     version (1)
//   12      4     flags: bit 0 header, bit 1 gzip; other bits 0
//   16      8     rows
//   24      4     columns
//   28      4     0 (reserved)
//   32      8     raw_size
//   40      8     file_size
//   48      8     n, the number of checkpoints
//   56      24*n  checkpoints: row, raw_offset, file_offset (u64 each), rows strictly increasing,
//                 offsets non-decreasing, rows <= `rows`
//   56+24n  4     CRC-32 (zlib) of every byte before it
//
// Fixed-width rather than delta-coded: a million rows at kCheckpointInterval is 23 KiB. The start
// of the stream {0, 0, 0} is implicit and need not be added. Not thread-safe.
class RowIndexBuilder {
 public:
  // kInvalidArgument when `checkpoint` does not come after the previous one (a caller's bug).
  Status Add(const CsvCheckpoint& checkpoint);
  // The index file's bytes; kInvalidArgument when a checkpoint lies beyond summary.rows.
  Result<std::string> Serialize(const RowIndexSummary& summary) const;
  Status Finish(const RowIndexSummary& summary, ByteSink& out) const;
  // Writes `path` atomically: a temporary file beside it, fsync, rename.
  Status FinishToFile(const RowIndexSummary& summary, const std::string& path) const;

  std::span<const CsvCheckpoint> checkpoints() const { return checkpoints_; }

 private:
  std::vector<CsvCheckpoint> checkpoints_;
};

// A loaded index: immutable, so one instance may be shared by concurrent queries.
class RowIndex {
 public:
  // kNotFound when `path` does not exist; kInvalidArgument naming the file when it is not a
  // valid index (bad magic, unknown version, wrong size, CRC mismatch, unordered checkpoints).
  static Result<RowIndex> Load(const std::string& path);
  static Result<RowIndex> Parse(std::string_view bytes);
  // Scans a plain CSV file and records a checkpoint every `interval` rows, for files that were
  // not exported with an index. A gzip file gets no checkpoints (it can only be read from its
  // start) but a correct summary.
  static Result<RowIndex> Build(const std::string& csv_path, const formats::CsvOptions& options,
                                std::uint64_t interval = kCheckpointInterval);

  // The last checkpoint at or before `row`; the start of the stream when there is none.
  CsvCheckpoint Locate(std::uint64_t row) const;
  const RowIndexSummary& summary() const { return summary_; }
  std::span<const CsvCheckpoint> checkpoints() const { return checkpoints_; }

 private:
  RowIndexSummary summary_;
  std::vector<CsvCheckpoint> checkpoints_;
};

}  // namespace batuta::datasets
