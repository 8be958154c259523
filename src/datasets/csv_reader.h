#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "formats/csv_options.h"

namespace batuta::datasets {

// A place in a CSV stream where reading can start: the beginning of data row `row` (0-based),
// at `raw_offset` in the uncompressed stream and `file_offset` in the file. For a plain file
// the two offsets are equal and only raw_offset is used. For gzip, file_offset is either 0 (the
// start of the gzip member: its header is parsed) or a point where the compressor was fully
// flushed (Z_FULL_FLUSH), so a raw deflate stream restarts there. raw_offset 0 is the start of
// the stream: a UTF-8 BOM and, with CsvOptions::header, the header record precede data row 0.
struct CsvCheckpoint {
  std::uint64_t row = 0;
  std::uint64_t raw_offset = 0;
  std::uint64_t file_offset = 0;

  friend bool operator==(const CsvCheckpoint&, const CsvCheckpoint&) = default;
};

// One field of a record: quotes removed, doubled quotes undone, decoded to UTF-8 when the file
// is windows-1252 (UTF-8 files are passed through unvalidated).
struct CsvField {
  std::string_view text;
  bool quoted = false;  // the field was enclosed in quotes in the file
};

// One data record. The views point into the reader's buffers: valid until the next Next or Seek.
struct CsvRecord {
  std::span<const CsvField> fields;
  std::uint64_t row = 0;        // 0-based data row, counted from the checkpoint read from
  std::uint64_t raw_begin = 0;  // the record and its line ending are [raw_begin, raw_end)
  std::uint64_t raw_end = 0;    // of the uncompressed stream
};

// The file (or bytes) a reader reads: random access, so gzip can restart at a checkpoint.
class CsvInput {
 public:
  virtual ~CsvInput() = default;
  // Up to `size` bytes at `offset` (fewer only at the end; 0 at or past the end).
  virtual Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t size) = 0;
};

class CsvStream;

// A streaming RFC 4180 parser configured by CsvOptions: `delimiter` and `quote`; records end
// with LF, CRLF or a lone CR (whatever `line_ending` says: reading accepts all three); quoted
// fields may hold delimiters, line breaks and doubled quotes. `gzip` selects inflation;
// `encoding` windows-1252 is decoded to UTF-8 (WHATWG table: 0x81, 0x8D, 0x8F, 0x90 and 0x9D map
// to the C1 controls of the same value); at the start of a UTF-8 stream a BOM is skipped
// whatever the encoding says. A blank line is a record of one empty field (a one-column row
// whose cell is empty); the final line ending is optional; an empty stream has no records.
//
// Malformed input is kInvalidArgument naming the 1-based data row ("header" for the header
// record) and the byte offset in the uncompressed stream: an unterminated quoted field, a
// quote inside an unquoted field, a character other than a delimiter or line break after a
// closing quote; also corrupt or truncated gzip data.
//
// Cost: one table lookup per byte outside quotes, memchr inside them; no allocation per record
// once the buffers have grown (they grow to the largest record, reads are at most 1 MiB).
// Not thread-safe; each request opens its own reader.
class CsvReader {
 public:
  // Reads the file at `path` (kNotFound when it does not exist). Positioned at the start.
  static Result<std::unique_ptr<CsvReader>> OpenFile(const std::string& path,
                                                     const formats::CsvOptions& options);
  // Reads `bytes` as the content of a file (compressed when options.gzip). For tests and fuzzing.
  static std::unique_ptr<CsvReader> FromBytes(std::string bytes,
                                              const formats::CsvOptions& options);
  // Reads from any input; `input` must outlive the reader.
  CsvReader(CsvInput& input, const formats::CsvOptions& options);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Positions the reader so that the next record is data row `at.row`. A checkpoint that lies in
  // the bytes already buffered costs nothing, so re-reading records by their raw_begin (plain
  // files: {row, raw_begin, raw_begin}) in ascending order is cheap.
  Status Seek(const CsvCheckpoint& at);
  // Reads the next data record into record(). false at the end of the stream.
  Result<bool> Next();
  // Skips `count` data records; false when the stream ended first.
  Result<bool> Skip(std::uint64_t count);
  const CsvRecord& record() const { return record_; }
  // The row number the next record will have.
  std::uint64_t next_row() const { return row_; }
  // The header record, once read (reading from the start of the stream with options.header).
  const std::vector<std::string>& header() const { return header_; }
  bool has_header() const { return has_header_; }

 private:
  enum class Parse { kRecord, kNeedMore, kError };
  struct FieldRef {
    std::size_t begin;
    std::size_t size;
    unsigned char where;  // buffer_, scratch_ (doubled quotes undone) or decoded_
    bool quoted;
  };

  Status StartOfStream();
  Status Refill();
  Parse ParseRecord(std::size_t& record_end, std::size_t& error_at, const char*& error);
  Result<bool> ReadRecord();
  void DecodeWindows1252();
  void BuildFields();
  Error Malformed(std::uint64_t raw_offset, std::string_view what) const;

  std::unique_ptr<CsvInput> owned_input_;
  CsvInput& input_;
  formats::CsvOptions options_;
  std::unique_ptr<CsvStream> stream_;
  std::array<bool, 256> special_{};

  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;         // first unparsed byte
  std::size_t end_ = 0;           // end of valid bytes
  std::uint64_t buffer_raw_ = 0;  // stream offset of buffer_[0]
  std::size_t read_size_ = 0;
  bool eof_ = false;
  bool positioned_ = false;
  bool at_stream_start_ = false;
  bool reading_header_ = false;
  std::uint64_t row_ = 0;

  std::vector<FieldRef> refs_;
  std::string scratch_;
  std::string decoded_;
  std::vector<CsvField> fields_;
  CsvRecord record_;
  std::vector<std::string> header_;
  bool has_header_ = false;
};

}  // namespace batuta::datasets
