// Fuzz target: the CSV writer on untrusted cells and options, read back with a strict RFC 4180
// parser written here. Input layout: byte 0 and 1 pick the options, byte 2 the sync-point
// period, then one byte per column for its type, then cells: a length byte (0xFF: NULL, else
// length % 64) followed by that many bytes, row after row.
// Invariants: no crash or sanitizer report; the writer fails exactly when a value is invalid
// UTF-8 or not writable in windows-1252 and on_unmappable is fail; otherwise the output parses
// strictly into the header and one record per row, every field round-trips (byte-exact for
// UTF-8 values that needed no replacement, and for ASCII ones in windows-1252), NULL is exactly
// an unquoted null_text, the counters match, and each SyncPoint's offsets (with gzip: a raw
// inflate from file_offset) give exactly the records from its row on.
#include <zlib.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/csv_writer.h"
#include "formats/memory_sink.h"
#include "formats/text_encoding.h"

namespace {

using batuta::formats::CsvEncoding;
using batuta::formats::CsvOptions;
using batuta::formats::CsvPosition;
using batuta::rows::Cell;
using batuta::rows::Column;
using batuta::rows::ColumnType;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

constexpr std::array<char, 4> kDelimiters = {',', ';', '\t', '|'};
constexpr std::array<const char*, 4> kNullTexts = {"", "NULL", "\\N", "-"};
constexpr std::array<const char*, 8> kNames = {"id", "a,b",  "q\"x",  " lead",
                                               "",   "NULL", "nl\nx", "=f"};
constexpr std::array<ColumnType, 5> kTypes = {ColumnType::kText, ColumnType::kInteger,
                                              ColumnType::kNumber, ColumnType::kBytes,
                                              ColumnType::kDate};

struct Field {
  std::string text;
  bool quoted = false;
};
using Record = std::vector<Field>;

// Strict RFC 4180: every record ends with `line_ending`; a quoted field's closing quote is
// followed by the delimiter or the line ending; an unquoted field has no quote, CR or LF.
std::optional<std::vector<Record>> Parse(std::string_view data, char delimiter, char quote,
                                         std::string_view line_ending) {
  std::vector<Record> records;
  std::size_t pos = 0;
  while (pos < data.size()) {
    Record record;
    for (;;) {
      Field field;
      if (data[pos] == quote) {
        field.quoted = true;
        ++pos;
        for (;;) {
          if (pos >= data.size()) return std::nullopt;
          if (data[pos] == quote) {
            if (pos + 1 < data.size() && data[pos + 1] == quote) {
              field.text += quote;
              pos += 2;
              continue;
            }
            ++pos;
            break;
          }
          field.text += data[pos++];
        }
      } else {
        while (pos < data.size() && data[pos] != delimiter && data[pos] != '\r' &&
               data[pos] != '\n') {
          if (data[pos] == quote) return std::nullopt;
          field.text += data[pos++];
        }
      }
      record.push_back(std::move(field));
      if (pos < data.size() && data[pos] == delimiter) {
        ++pos;
        continue;
      }
      if (data.substr(pos, line_ending.size()) != line_ending) return std::nullopt;
      pos += line_ending.size();
      break;
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::string Inflate(std::string_view compressed, int window_bits) {
  z_stream stream{};
  Check(inflateInit2(&stream, window_bits) == Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    rc = inflate(&stream, Z_NO_FLUSH);
    Check(rc == Z_OK || rc == Z_STREAM_END);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  return out;
}

bool IsAscii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Whether the encoding can write `text` without replacement.
bool Writable(std::string_view text, CsvEncoding encoding) {
  for (std::size_t i = 0; i < text.size();) {
    const auto step = batuta::formats::DecodeUtf8(text.substr(i));
    if (!step.valid) return false;
    if (encoding == CsvEncoding::kWindows1252 &&
        batuta::formats::Windows1252FromCodePoint(step.code_point) < 0) {
      return false;
    }
    i += step.length;
  }
  return true;
}

bool IsCanonicalDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// The field a reader should see for a non-NULL value (before encoding).
std::string Expected(std::string_view text, ColumnType type, const CsvOptions& options) {
  std::string shown(text);
  const bool as_text =
      type == ColumnType::kText || (type == ColumnType::kDate && !IsCanonicalDate(text));
  if (type == ColumnType::kNumber) {
    for (char& c : shown) {
      if (c == '.') c = options.decimal_separator;
    }
  }
  if (as_text && options.formula_guard && !shown.empty() &&
      std::string_view("=+-@\t\r").find(shown.front()) != std::string_view::npos) {
    shown.insert(0, "'");
  }
  return shown;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t a = data[0];
  const std::uint8_t b = data[1];
  const std::size_t sync_period = 1 + data[2] % 8;
  CsvOptions options;
  options.delimiter = kDelimiters[a & 3U];
  options.quote = (a & 4U) != 0 ? '\'' : '"';
  options.header = (a & 8U) != 0;
  options.line_ending = (a & 16U) != 0 ? "\n" : "\r\n";
  options.encoding = (a & 32U) != 0 ? CsvEncoding::kUtf8Bom : CsvEncoding::kUtf8;
  options.formula_guard = (a & 64U) != 0;
  options.gzip = (a & 128U) != 0;
  options.null_text = kNullTexts[b & 3U];
  if ((b & 4U) != 0 && options.delimiter != ',') options.decimal_separator = ',';
  if ((b & 8U) != 0) options.encoding = CsvEncoding::kWindows1252;
  if ((b & 16U) != 0) options.on_unmappable = batuta::formats::OnUnmappable::kReplace;
  const std::size_t column_count = 1 + ((b >> 5U) & 7U);
  std::size_t pos = 3;
  if (size < pos + column_count) return 0;
  std::vector<Column> columns;
  for (std::size_t i = 0; i < column_count; ++i) {
    columns.push_back({kNames[i], kTypes[data[pos++] % kTypes.size()], ""});
  }

  std::vector<std::vector<std::optional<std::string>>> rows;
  std::vector<std::optional<std::string>> row;
  while (pos < size && rows.size() < 2000) {
    const std::uint8_t length = data[pos++];
    if (length == 0xFF) {
      row.emplace_back(std::nullopt);
    } else {
      const std::size_t n = std::min<std::size_t>(length % 64, size - pos);
      row.emplace_back(std::string(reinterpret_cast<const char*>(data + pos), n));
      pos += n;
    }
    if (row.size() == column_count) {
      rows.push_back(std::move(row));
      row.clear();
    }
  }

  bool all_writable = true;
  for (const auto& cells : rows) {
    for (const auto& cell : cells) {
      if (cell && !Writable(*cell, options.encoding)) all_writable = false;
    }
  }
  const bool expect_failure =
      !all_writable && options.on_unmappable == batuta::formats::OnUnmappable::kFail;

  batuta::formats::MemorySink sink;
  batuta::formats::CsvWriter writer(sink, options);
  Check(writer.Begin(columns).ok());
  std::vector<CsvPosition> positions;
  std::vector<Cell> cells;
  bool failed = false;
  for (std::size_t r = 0; r <= rows.size(); ++r) {
    if (r % sync_period == 0 || r == rows.size()) {
      auto position = writer.SyncPoint();
      Check(position.ok() && position->row == r);
      positions.push_back(*position);
    }
    if (r == rows.size()) break;
    cells.clear();
    for (const auto& cell : rows[r]) cells.push_back(cell ? Cell::Of(*cell) : Cell::Null());
    const batuta::Status status = writer.Row(cells);
    if (!status.ok()) {
      Check(status.error().code == batuta::ErrorCode::kValidation);
      Check(status.error().message.rfind("row " + std::to_string(r + 1) + ", column ", 0) == 0);
      failed = true;
      break;
    }
  }
  Check(failed == expect_failure);
  if (failed) return 0;
  Check(writer.Finish().ok());
  Check(writer.rows_written() == rows.size());
  Check(writer.file_bytes_written() == sink.data().size());

  std::string plain = options.gzip ? Inflate(sink.data(), 15 + 16) : sink.data();
  Check(writer.bytes_written() == plain.size());
  for (const CsvPosition& position : positions) {
    Check(position.raw_offset <= plain.size());
    if (options.gzip) {
      Check(position.file_offset < sink.data().size());
      Check(Inflate(std::string_view(sink.data()).substr(position.file_offset), -15) ==
            std::string_view(plain).substr(position.raw_offset));
    } else {
      Check(position.file_offset == position.raw_offset);
    }
  }
  std::string_view body = plain;
  if (options.encoding == CsvEncoding::kUtf8Bom) {
    Check(body.substr(0, 3) == "\xEF\xBB\xBF");
    body.remove_prefix(3);
  }
  const auto records = Parse(body, options.delimiter, options.quote, options.line_ending);
  Check(records.has_value());
  const std::size_t header = options.header ? 1 : 0;
  Check(records->size() == rows.size() + header);
  if (options.header) {
    Check((*records)[0].size() == column_count);
    for (std::size_t i = 0; i < column_count; ++i) Check((*records)[0][i].text == kNames[i]);
  }
  const bool utf8 = options.encoding != CsvEncoding::kWindows1252;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Record& record = (*records)[r + header];
    Check(record.size() == column_count);
    for (std::size_t i = 0; i < column_count; ++i) {
      const Field& field = record[i];
      const bool reads_as_null = !field.quoted && field.text == options.null_text;
      if (!rows[r][i]) {
        Check(reads_as_null);
        continue;
      }
      Check(!reads_as_null);
      const std::string expected = Expected(*rows[r][i], columns[i].type, options);
      const bool comparable = utf8 ? Writable(expected, options.encoding) : IsAscii(expected);
      if (comparable) Check(field.text == expected);
    }
  }
  // The records after each sync point are the records from its row on.
  for (const CsvPosition& position : positions) {
    const auto tail = Parse(std::string_view(plain).substr(position.raw_offset), options.delimiter,
                            options.quote, options.line_ending);
    Check(tail.has_value() && tail->size() == rows.size() - position.row);
    for (std::size_t r = 0; r < tail->size(); ++r) {
      const Record& expected = (*records)[header + position.row + r];
      Check((*tail)[r].size() == expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        Check((*tail)[r][i].text == expected[i].text && (*tail)[r][i].quoted == expected[i].quoted);
      }
    }
  }
  return 0;
}
