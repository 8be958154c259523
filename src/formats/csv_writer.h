#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_sink.h"
#include "core/result.h"
#include "formats/csv_options.h"
#include "formats/datetime_format.h"
#include "rows/row.h"

namespace batuta::formats {

class GzipSink;

// Where the next row of a CSV file starts, for a row index (the data API reads a page from here
// instead of from the top of the file).
struct CsvPosition {
  std::uint64_t row = 0;          // 0-based data row number (the header is not a row)
  std::uint64_t raw_offset = 0;   // byte offset in the encoded, uncompressed stream
  std::uint64_t file_offset = 0;  // byte offset in the file; == raw_offset without gzip
  bool operator==(const CsvPosition&) const = default;
};

// Writes a result set as CSV (RFC 4180) into a ByteSink, per CsvOptions:
//
// - Begin writes the BOM (utf-8-bom) and, with `header`, the column names as a record. Every
//   record, the last included, ends with the line ending.
// - A field is quoted when it contains the delimiter, the quote, CR or LF, when it starts or ends
//   with a space or tab (readers that trim unquoted fields would lose them), and when it would
//   otherwise read as NULL (it equals null_text; with the default "" that is the empty string).
//   Quotes inside are doubled. NULL is null_text, unquoted. So a reader can tell NULL from a
//   value: an unquoted field equal to null_text is NULL, anything else is a value. (A record of
//   one NULL with an empty null_text is an empty line, which some readers skip.)
// - Values, from their canonical text (rows/row.h): number with the decimal separator ('.' →
//   ','); integer, boolean, bytes as they are; date, time and timestamp through their formats
//   (DateTimeFormat). A date/time value not in canonical form is written as text would be.
// - formula_guard prefixes ' to text values starting with = + - @ tab or CR, inside the quotes
//   if any (column names are not guarded; they are not data).
// - Encoding: UTF-8 is passed through once validated; windows-1252 is converted from UTF-8.
//   Invalid UTF-8 and characters windows-1252 lacks follow on_unmappable: kFail returns
//   kValidation "row 12, column \"nome\": character U+4E2D cannot be written in windows-1252"
//   (1-based data row; "header" for a column name) with details {"row", "column"}; kReplace
//   writes '?' in windows-1252 and U+FFFD (per maximal ill-formed subsequence) in UTF-8.
//
// Output is assembled in a 64 KiB buffer and handed to the sink (or the gzip compressor) in
// chunks of at least that size, at row boundaries. With options.gzip the file is one gzip
// member (GzipSink, zlib level 1).
//
// Errors: a sink error, an invalid option (checked in Begin with ValidateCsvOptions, prefix
// "csv") or an unmappable value end the writer: that call and every later one return the same
// error, and the file is incomplete. A row with the wrong number of cells is kInternal and
// changes nothing. The destructor does not Finish: without Finish the file is truncated.
// Not thread-safe.
class CsvWriter final : public rows::RowSink {
 public:
  // `sink` must outlive the writer.
  CsvWriter(ByteSink& sink, CsvOptions options);
  ~CsvWriter() override;
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  Status Begin(std::span<const rows::Column> columns) override;
  Status Row(std::span<const rows::Cell> cells) override;

  // The position of the next row to be written (after Begin, before Finish).
  //
  // Without gzip: raw_offset == file_offset == bytes_written(); the bytes from there on are the
  // records from `row` on. Nothing is flushed.
  //
  // With gzip: hands the buffered bytes to the compressor and makes a zlib Z_FULL_FLUSH. Contract
  // for readers: starting at byte `file_offset` of the file (no earlier byte is needed), a raw
  // inflate (inflateInit2(&z, -15), no gzip header) produces exactly the encoded bytes from
  // `raw_offset` on: the records from `row` on. It returns Z_STREAM_END at the end of the data;
  // the 8 bytes after that are the gzip trailer (CRC-32 and size of the whole stream), which the
  // reader must ignore. Each call costs about 5 bytes and the compression context, so call it
  // every megabyte or so of raw_offset, not every row. A call without new rows since the
  // previous one returns the same position at no cost.
  Result<CsvPosition> SyncPoint();

  // Hands everything to the sink, ends the gzip stream, and flushes the sink. A second call does
  // nothing.
  Status Finish();

  std::uint64_t rows_written() const { return rows_; }
  // Encoded bytes produced so far (BOM, header and rows, buffered ones included), before
  // compression: the size of the uncompressed file.
  std::uint64_t bytes_written() const { return handed_on_ + used_; }
  // The file's size once Finish returned (with gzip, the compressed size; before Finish it does
  // not count what the compressor still holds).
  std::uint64_t file_bytes_written() const;

  const CsvOptions& options() const { return options_; }

 private:
  enum class State { kNew, kWriting, kFinished, kFailed };
  // How a column's values are rendered.
  enum class Render : std::uint8_t { kText, kAsIs, kNumber, kDate, kTime, kTimestamp };
  struct Target {
    std::string name;
    Render render = Render::kText;
  };

  // Each returns false after recording the error in failure_ (state kFailed).
  bool WriteCell(const rows::Cell& cell, std::size_t column);
  bool WriteField(std::string_view value, bool guard, std::size_t column);
  // The byte classes (kSpecial, kQuoteChar, kHigh) present in `value`, OR-ed together.
  std::uint8_t Classes(std::string_view value) const;
  bool Encode(std::string_view value, std::size_t column, std::string_view& encoded);
  bool FailUnmappable(std::size_t column, const std::string& what);

  Status FlushBuffer();
  Error Fail(Error error);
  Error StateError(std::string_view call) const;
  // Room for `bytes` more at the end of the buffer, which grows when it must (flushing is
  // Row's business). Inline: called for every field and delimiter.
  char* Reserve(std::size_t bytes) {
    if (buffer_.size() - used_ < bytes) Grow(bytes);
    return buffer_.data() + used_;
  }
  void Grow(std::size_t bytes);
  void Put(std::string_view bytes) {
    char* out = Reserve(bytes.size());
    if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
    used_ += bytes.size();
  }

  ByteSink& sink_;
  CsvOptions options_;
  std::unique_ptr<GzipSink> gzip_;
  ByteSink* out_ = nullptr;  // sink_ or gzip_
  std::optional<DateTimeFormat> date_format_;
  std::optional<DateTimeFormat> time_format_;
  std::optional<DateTimeFormat> timestamp_format_;
  // Per format (date, time, timestamp): its literals need no quoting and no encoding, so a
  // rendering can go straight into the buffer.
  std::array<bool, 3> plain_formats_{};
  std::vector<Target> columns_;
  // Per byte: kSpecial, kQuoteChar, kHigh (see csv_writer.cc).
  std::array<std::uint8_t, 256> byte_class_{};
  std::string null_field_;  // null_text, encoded
  std::string buffer_;      // output; the first used_ bytes are pending
  std::size_t used_ = 0;
  std::string encoded_;   // a value converted by Encode
  std::string rendered_;  // a value rendered by its type's format
  std::uint64_t rows_ = 0;
  std::uint64_t handed_on_ = 0;  // encoded bytes given to out_
  std::optional<CsvPosition> last_sync_;
  bool in_header_ = false;
  State state_ = State::kNew;
  Error failure_;
};

}  // namespace batuta::formats
