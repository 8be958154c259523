#include "formats/csv_writer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "formats/gzip_test_support.h"
#include "formats/memory_sink.h"

namespace batuta::formats {
namespace {

using rows::Cell;
using rows::Column;
using rows::ColumnType;
using testing::Inflate;

using Value = std::optional<std::string>;

std::string_view View(const std::string& text) { return text; }

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;
};

Status WriteRows(CsvWriter& writer, const Table& table) {
  BATUTA_RETURN_IF_ERROR(writer.Begin(table.columns));
  std::vector<Cell> cells;
  for (const auto& row : table.rows) {
    cells.clear();
    for (const Value& value : row) cells.push_back(value ? Cell::Of(*value) : Cell::Null());
    BATUTA_RETURN_IF_ERROR(writer.Row(cells));
  }
  return writer.Finish();
}

std::string WriteCsv(const CsvOptions& options, const Table& table) {
  MemorySink sink;
  CsvWriter writer(sink, options);
  const Status status = WriteRows(writer, table);
  EXPECT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(writer.rows_written(), table.rows.size());
  EXPECT_EQ(writer.file_bytes_written(), sink.data().size());
  if (!options.gzip) {
    EXPECT_EQ(writer.bytes_written(), sink.data().size());
  }
  return sink.data();
}

Error WriteError(const CsvOptions& options, const Table& table) {
  MemorySink sink;
  CsvWriter writer(sink, options);
  Status status = WriteRows(writer, table);
  EXPECT_FALSE(status.ok());
  return status.ok() ? Error{} : std::move(status).error();
}

// Every column type, and values that exercise quoting, formats and the guard.
Table TypedTable() {
  Table table;
  table.columns = {{"id", ColumnType::kInteger, "int4"},
                   {"nome", ColumnType::kText, "text"},
                   {"valor", ColumnType::kNumber, "numeric"},
                   {"ativo", ColumnType::kBoolean, "bool"},
                   {"nascimento", ColumnType::kDate, "date"},
                   {"hora", ColumnType::kTime, "time"},
                   {"criado", ColumnType::kTimestamp, "timestamp"},
                   {"foto", ColumnType::kBytes, "bytea"}};
  table.rows = {
      {"1", "Ana", "1234.5", "true", "1990-01-31", "08:05:09", "2024-03-01 12:34:56.789", "00ff"},
      {"-2", "Silva, Jo\xC3\xA3o", "-0.25", "false", "2000-12-01", "23:59:59.5",
       "2024-12-31T00:00:00", ""},
      {"3", "diz \"oi\"\r\nlinha 2", "1e10", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt},
      {"4", "=SUM(A1)", "NaN", "true", "-infinity", "00:00:00", "2024-01-01 01:02:03", "ab"},
      {"5", " espa\xC3\xA7o ", "0", "false", "1999-09-09", "12:00:00.000001",
       "2024-02-29 23:59:59.123456", std::nullopt},
      {"6", "", "-1.5E-3", "true", "2024-01-01", "24:00:00", "infinity", "01"},
      {"7", std::nullopt, "Infinity", "false", "0001-01-01", "01:02:03", "1970-01-01 00:00:00",
       "02"},
      {"8", "semi;colon it's", "-Infinity", "true", "2024-06-30", "10:11:12",
       "2024-06-30 10:11:12.5", "03"},
      {"9", "+55 11 99999-0000", "12.000", "false", "2024-07-01", "10:11:12", "2024-07-01 10:11:12",
       "04"},
      {"10", "@user", "7", "true", "2024-07-02", "10:11:12", "2024-07-02 10:11:12", "05"},
      {"11", "\tTab", "8", "true", "2024-07-03", "10:11:12", "2024-07-03 10:11:12", "06"},
      {"12", "-5 itens", "9", "true", "2024-07-04", "10:11:12", "2024-07-04 10:11:12", "07"},
      {"13", "NULL", "10.5", "true", "2024-07-05", "10:11:12", "2024-07-05 10:11:12", "08"},
      {"14", "caf\xC3\xA9 \xE2\x82\xAC \xE2\x84\xA2", "11", "true", "2024-07-06", "10:11:12",
       "2024-07-06 10:11:12", "09"},
  };
  return table;
}

// Text for the encodings: windows-1252 can write the first rows, not the last two.
constexpr const char* kMappable =
    "caf\xC3\xA9 \xE2\x82\xAC \xE2\x80\x9C"
    "aspas\xE2\x80\x9D "
    "\xE2\x80\x93 \xC5\x92 \xC5\xBE \xC5\xB8 \xE2\x80\xB0 \xC2\xA0!";
constexpr const char* kChinese = "\xE4\xB8\xAD\xE6\x96\x87";
constexpr const char* kInvalid =
    "a\xFF"
    "b\xC3("
    "\xE2\x82";

Table TextTable(bool mappable_only) {
  Table table;
  table.columns = {{"id", ColumnType::kInteger, ""}, {"texto", ColumnType::kText, ""}};
  table.rows = {{"1", kMappable}, {"2", "plain ASCII"}};
  if (!mappable_only) {
    table.rows.push_back({"3", kChinese});
    table.rows.push_back({"4", kInvalid});
  }
  return table;
}

std::string Escaped(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte >= 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02X", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

// Compares with src/formats/testdata/<name> byte for byte. BATUTA_UPDATE_GOLDEN=1 rewrites the
// file instead (review the diff before committing it).
void ExpectGolden(const std::string& name, const std::string& actual) {
  const char* source_dir = std::getenv("BATUTA_SOURCE_DIR");
  if (source_dir == nullptr) GTEST_SKIP() << "BATUTA_SOURCE_DIR is not set (run through ctest)";
  const auto path = std::filesystem::path(source_dir) / "src/formats/testdata" / name;
  if (std::getenv("BATUTA_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path;
  const std::string expected((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  EXPECT_TRUE(expected == actual) << name << " differs.\nexpected:\n"
                                  << Escaped(expected) << "\nactual:\n"
                                  << Escaped(actual);
}

TEST(CsvWriterGolden, Rfc4180Defaults) { ExpectGolden("rfc4180.csv", WriteCsv({}, TypedTable())); }

TEST(CsvWriterGolden, Delimiter) {
  CsvOptions options;
  options.delimiter = ';';
  ExpectGolden("delimiter_semicolon.csv", WriteCsv(options, TypedTable()));
  options.delimiter = '\t';
  ExpectGolden("delimiter_tab.csv", WriteCsv(options, TypedTable()));
}

TEST(CsvWriterGolden, QuoteCharacter) {
  CsvOptions options;
  options.quote = '\'';
  ExpectGolden("quote_apostrophe.csv", WriteCsv(options, TypedTable()));
}

TEST(CsvWriterGolden, HeaderOff) {
  CsvOptions options;
  options.header = false;
  ExpectGolden("header_off.csv", WriteCsv(options, TypedTable()));
}

TEST(CsvWriterGolden, LineFeed) {
  CsvOptions options;
  options.line_ending = "\n";
  ExpectGolden("lf.csv", WriteCsv(options, TypedTable()));
}

TEST(CsvWriterGolden, Utf8Bom) {
  CsvOptions options;
  options.encoding = CsvEncoding::kUtf8Bom;
  ExpectGolden("utf8_bom.csv", WriteCsv(options, TextTable(true)));
}

TEST(CsvWriterGolden, Utf8Replace) {
  CsvOptions options;
  options.on_unmappable = OnUnmappable::kReplace;
  ExpectGolden("utf8_replace.csv", WriteCsv(options, TextTable(false)));
}

TEST(CsvWriterGolden, Windows1252) {
  CsvOptions options;
  options.encoding = CsvEncoding::kWindows1252;
  ExpectGolden("windows1252.csv", WriteCsv(options, TextTable(true)));
}

TEST(CsvWriterGolden, Windows1252Replace) {
  CsvOptions options;
  options.encoding = CsvEncoding::kWindows1252;
  options.on_unmappable = OnUnmappable::kReplace;
  ExpectGolden("windows1252_replace.csv", WriteCsv(options, TextTable(false)));
}

TEST(CsvWriterGolden, DecimalComma) {
  CsvOptions options;
  options.delimiter = ';';
  options.decimal_separator = ',';
  ExpectGolden("decimal_comma.csv", WriteCsv(options, TypedTable()));
}

TEST(CsvWriterGolden, DateTimeFormats) {
  CsvOptions options;
  options.date_format = "%d/%m/%Y";
  options.time_format = "%Hh%M (%S.%f)";
  options.timestamp_format = "%Y%m%dT%H%M%S.%f 100%%";
  ExpectGolden("date_formats.csv", WriteCsv(options, TypedTable()));
}

TEST(CsvWriterGolden, NullText) {
  CsvOptions options;
  options.null_text = "NULL";
  ExpectGolden("null_text.csv", WriteCsv(options, TypedTable()));
}

TEST(CsvWriterGolden, FormulaGuard) {
  CsvOptions options;
  options.formula_guard = true;
  ExpectGolden("formula_guard.csv", WriteCsv(options, TypedTable()));
}

TEST(CsvWriterGolden, ExcelBrPreset) {
  auto options = CsvPreset("excel_br", "csv");
  ASSERT_TRUE(options.ok());
  ExpectGolden("excel_br.csv", WriteCsv(*options, TypedTable()));
}

TEST(CsvWriterGolden, GzipDecompressesToThePlainFile) {
  CsvOptions options;
  options.gzip = true;
  const std::string compressed = WriteCsv(options, TypedTable());
  EXPECT_EQ(compressed.substr(0, 2), "\x1f\x8b");
  std::size_t trailing = 1;
  const std::string plain = Inflate(compressed, 15 + 16, &trailing);
  EXPECT_EQ(trailing, 0U);
  EXPECT_EQ(plain, WriteCsv({}, TypedTable()));
  ExpectGolden("rfc4180.csv", plain);
}

TEST(CsvWriter, Windows1252FailNamesRowAndColumn) {
  CsvOptions options;
  options.encoding = CsvEncoding::kWindows1252;
  const Error error = WriteError(options, TextTable(false));
  EXPECT_EQ(error.code, ErrorCode::kValidation);
  EXPECT_EQ(error.message,
            "row 3, column \"texto\": character U+4E2D cannot be written in windows-1252");
  EXPECT_EQ(error.details["row"], 3);
  EXPECT_EQ(error.details["column"], "texto");
}

TEST(CsvWriter, InvalidUtf8FailNamesRowAndColumn) {
  Table table = TextTable(false);
  table.rows.erase(table.rows.begin() + 2);
  const Error error = WriteError({}, table);
  EXPECT_EQ(error.code, ErrorCode::kValidation);
  EXPECT_EQ(error.message, "row 3, column \"texto\": invalid UTF-8 (byte 0xFF at offset 1)");
  CsvOptions windows;
  windows.encoding = CsvEncoding::kWindows1252;
  EXPECT_EQ(WriteError(windows, table).message,
            "row 3, column \"texto\": invalid UTF-8 (byte 0xFF at offset 1)");
}

TEST(CsvWriter, UnmappableColumnNameFailsInBegin) {
  Table table = TextTable(true);
  table.columns[1].name = "\xE4\xB8\xAD";
  CsvOptions options;
  options.encoding = CsvEncoding::kWindows1252;
  const Error error = WriteError(options, table);
  EXPECT_EQ(error.message,
            "header, column \"\xE4\xB8\xAD\": character U+4E2D cannot be written in "
            "windows-1252");
  EXPECT_EQ(error.details["row"], 0);
  options.header = false;
  EXPECT_FALSE(WriteCsv(options, table).empty());
}

TEST(CsvWriter, NullAndEmptyStringDiffer) {
  Table table;
  table.columns = {{"a", ColumnType::kText, ""}, {"b", ColumnType::kText, ""}};
  table.rows = {{std::nullopt, ""}, {"", std::nullopt}, {"x", "NULL"}};
  EXPECT_EQ(WriteCsv({}, table), "a,b\r\n,\"\"\r\n\"\",\r\nx,NULL\r\n");
  CsvOptions options;
  options.null_text = "NULL";
  EXPECT_EQ(WriteCsv(options, table), "a,b\r\nNULL,\r\n,NULL\r\nx,\"NULL\"\r\n");
  options.null_text = "'=";
  options.formula_guard = true;
  table.rows = {{"=", std::nullopt}};
  EXPECT_EQ(WriteCsv(options, table), "a,b\r\n\"'=\",'=\r\n");
}

TEST(CsvWriter, GuardIsQuotedWhenTheApostropheIsTheQuote) {
  Table table;
  table.columns = {{"a", ColumnType::kText, ""}, {"b", ColumnType::kText, ""}};
  table.rows = {{"=1", "it's"}};
  CsvOptions options;
  options.quote = '\'';
  options.formula_guard = true;
  EXPECT_EQ(WriteCsv(options, table), "a,b\r\n'''=1','it''s'\r\n");
}

TEST(CsvWriter, QuotesLeadingAndTrailingSpace) {
  Table table;
  table.columns = {{"a", ColumnType::kText, ""}};
  table.rows = {{" a"}, {"a "}, {"\ta"}, {"a b"}, {" "}};
  EXPECT_EQ(WriteCsv({}, table), "a\r\n\" a\"\r\n\"a \"\r\n\"\ta\"\r\na b\r\n\" \"\r\n");
}

// Dates and times are rendered straight into the output when the format's literals need no
// quoting; these are the cases where they do, or where the rendering must still be quoted.
TEST(CsvWriter, RenderedDatesAreQuotedWhenTheyNeedIt) {
  Table table;
  table.columns = {{"d", ColumnType::kDate, ""},
                   {"t", ColumnType::kTime, ""},
                   {"ts", ColumnType::kTimestamp, ""}};
  table.rows = {{"2024-01-02", "10:11:12.5", "2024-01-02 10:11:12"}, {"2024-13", "x", "y"}};
  CsvOptions options;
  options.delimiter = ';';
  options.date_format = "%d;%m;%Y";       // the delimiter in a literal
  options.time_format = " %H:%M:%S.%f";   // a leading space
  options.timestamp_format = "%Y-%m-%d";  // the NULL text, below
  options.null_text = "2024-01-02";
  EXPECT_EQ(WriteCsv(options, table),
            "d;t;ts\r\n\"02;01;2024\";\" 10:11:12.5\";\"2024-01-02\"\r\n2024-13;x;y\r\n");
  // The plain case: digits and a plain literal go as they are.
  CsvOptions plain;
  plain.date_format = "%d/%m/%Y";
  plain.time_format = "%Hh%M";
  EXPECT_EQ(WriteCsv(plain, table),
            "d,t,ts\r\n02/01/2024,10h11,2024-01-02 10:11:12\r\n2024-13,x,y\r\n");
}

// The defaults keep fractions (%.f); the dot that brings is the delimiter when the decimal
// separator is ',' and the delimiter '.'.
TEST(CsvWriter, DefaultFormatsKeepFractionsAndQuoteTheirDot) {
  Table table;
  table.columns = {{"t", ColumnType::kTime, ""}, {"ts", ColumnType::kTimestamp, ""}};
  table.rows = {{"10:11:12.5", "2024-01-02T10:11:12.000001"}, {"10:11:12", "2024-01-02 10:11:12"}};
  EXPECT_EQ(WriteCsv({}, table),
            "t,ts\r\n10:11:12.5,2024-01-02 10:11:12.000001\r\n10:11:12,2024-01-02 10:11:12\r\n");
  CsvOptions dotted;
  dotted.decimal_separator = ',';
  dotted.delimiter = '.';
  EXPECT_EQ(WriteCsv(dotted, table),
            "t.ts\r\n\"10:11:12.5\".\"2024-01-02 10:11:12.000001\"\r\n"
            "10:11:12.2024-01-02 10:11:12\r\n");
}

TEST(CsvWriter, ReplacementCharacterThatIsTheDelimiterIsQuoted) {
  Table table;
  table.columns = {{"a", ColumnType::kText, ""}};
  table.rows = {{"x\xE4\xB8\xADy"}};
  CsvOptions options;
  options.encoding = CsvEncoding::kWindows1252;
  options.on_unmappable = OnUnmappable::kReplace;
  options.delimiter = '?';
  EXPECT_EQ(WriteCsv(options, table), "a\r\n\"x?y\"\r\n");
}

TEST(CsvWriter, NoColumnsAndNoRows) {
  EXPECT_EQ(WriteCsv({}, Table{}), "\r\n");
  Table table;
  table.columns = {{"only", ColumnType::kText, ""}};
  EXPECT_EQ(WriteCsv({}, table), "only\r\n");
  CsvOptions options;
  options.header = false;
  options.encoding = CsvEncoding::kUtf8Bom;
  EXPECT_EQ(WriteCsv(options, table), "\xEF\xBB\xBF");
}

TEST(CsvWriter, LargeFieldsAndManyRowsSurviveBuffering) {
  Table table;
  table.columns = {{"id", ColumnType::kInteger, ""}, {"blob", ColumnType::kText, ""}};
  std::string expected = "id,blob\r\n";
  for (int i = 0; i < 1500; ++i) {
    std::string blob(static_cast<std::size_t>(i % 50 == 0 ? 100000 : i), 'x');
    if (i % 5 == 0) blob += "\"q\"";
    table.rows.push_back({std::to_string(i), blob});
    std::string field = blob;
    if (i % 5 == 0) {
      field = "\"" + std::string(blob.size() - 3, 'x') + "\"\"q\"\"\"";
    } else if (blob.empty()) {
      field = "\"\"";
    }
    expected += std::to_string(i) + "," + field + "\r\n";
  }
  MemorySink sink;
  CsvWriter writer(sink, {});
  ASSERT_TRUE(WriteRows(writer, table).ok());
  EXPECT_TRUE(sink.data() == expected);
  EXPECT_LT(sink.writes(), expected.size() / (std::size_t{64} * 1024) + 2);
  EXPECT_EQ(sink.flushes(), 1U);
}

TEST(CsvWriter, ErrorsAreStickyAndStatesChecked) {
  MemorySink sink;
  CsvWriter writer(sink, {});
  const Cell one[] = {Cell::Of("1")};
  EXPECT_EQ(writer.Row(one).error().code, ErrorCode::kInternal);
  EXPECT_FALSE(writer.SyncPoint().ok());
  EXPECT_FALSE(writer.Finish().ok());
  const Column columns[] = {{"a", ColumnType::kText, ""}};
  ASSERT_TRUE(writer.Begin(columns).ok());
  EXPECT_EQ(writer.Begin(columns).error().code, ErrorCode::kInternal);
  const Cell two[] = {Cell::Of("1"), Cell::Of("2")};
  EXPECT_EQ(writer.Row(two).error().code, ErrorCode::kInternal);  // not sticky
  ASSERT_TRUE(writer.Row(one).ok());
  const Cell bad[] = {Cell::Of("\xFF")};
  EXPECT_EQ(writer.Row(bad).error().code, ErrorCode::kValidation);
  EXPECT_EQ(writer.Row(one).error().code, ErrorCode::kValidation);
  EXPECT_EQ(writer.Finish().error().code, ErrorCode::kValidation);
  EXPECT_EQ(writer.rows_written(), 1U);
}

TEST(CsvWriter, InvalidOptionsFailInBegin) {
  CsvOptions options;
  options.delimiter = '"';
  const Error error = WriteError(options, TypedTable());
  EXPECT_EQ(error.code, ErrorCode::kValidation);
  EXPECT_EQ(error.details["field"], "csv.delimiter");
}

TEST(CsvWriter, SinkErrorsEndTheWriter) {
  MemorySink sink(std::size_t{100} * 1024);
  CsvWriter writer(sink, {});
  Table table;
  table.columns = {{"a", ColumnType::kText, ""}};
  for (int i = 0; i < 100000; ++i) table.rows.push_back({"some text"});
  const Status status = WriteRows(writer, table);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(writer.rows_written(), 100000U);
  const Cell one[] = {Cell::Of("1")};
  EXPECT_EQ(writer.Row(one).error().code, ErrorCode::kUnavailable);
}

// Rows whose records are numbered lines, for the SyncPoint tests.
Table NumberedRows(int count) {
  Table table;
  table.columns = {{"n", ColumnType::kInteger, ""}, {"text", ColumnType::kText, ""}};
  for (int i = 0; i < count; ++i) {
    table.rows.push_back({std::to_string(i), "row " + std::to_string(i * 2654435761U % 100000)});
  }
  return table;
}

struct SyncedFile {
  std::string file;
  std::vector<CsvPosition> positions;
};

SyncedFile WriteWithSyncPoints(const CsvOptions& options, const Table& table, int every) {
  MemorySink sink;
  CsvWriter writer(sink, options);
  SyncedFile out;
  EXPECT_TRUE(writer.Begin(table.columns).ok());
  std::vector<Cell> cells;
  for (std::size_t i = 0; i <= table.rows.size(); ++i) {
    if (i % static_cast<std::size_t>(every) == 0 || i == table.rows.size()) {
      auto position = writer.SyncPoint();
      EXPECT_TRUE(position.ok());
      EXPECT_EQ(position->row, i);
      out.positions.push_back(*position);
      auto again = writer.SyncPoint();
      EXPECT_TRUE(again.ok() && *again == *position);
    }
    if (i == table.rows.size()) break;
    cells.clear();
    for (const Value& value : table.rows[i]) cells.push_back(Cell::Of(*value));
    EXPECT_TRUE(writer.Row(cells).ok());
  }
  EXPECT_TRUE(writer.Finish().ok());
  EXPECT_FALSE(writer.SyncPoint().ok());
  out.file = sink.data();
  return out;
}

// The records from `row` on, rendered on their own.
std::string RecordsFrom(const Table& table, std::uint64_t row, const CsvOptions& options) {
  Table rest;
  rest.columns = table.columns;
  rest.rows.assign(table.rows.begin() + static_cast<std::ptrdiff_t>(row), table.rows.end());
  CsvOptions plain = options;
  plain.gzip = false;
  plain.header = false;
  if (plain.encoding == CsvEncoding::kUtf8Bom) plain.encoding = CsvEncoding::kUtf8;
  return WriteCsv(plain, rest);
}

TEST(CsvWriterSyncPoint, WithoutGzipOffsetsAreBytePositions) {
  const Table table = NumberedRows(5000);
  CsvOptions options;
  options.encoding = CsvEncoding::kUtf8Bom;
  const SyncedFile synced = WriteWithSyncPoints(options, table, 700);
  ASSERT_EQ(synced.positions.size(), 9U);
  EXPECT_EQ(synced.positions.front().raw_offset, std::string("\xEF\xBB\xBFn,text\r\n").size());
  for (const CsvPosition& position : synced.positions) {
    EXPECT_EQ(position.raw_offset, position.file_offset);
    EXPECT_EQ(synced.file.substr(position.raw_offset), RecordsFrom(table, position.row, options))
        << "row " << position.row;
  }
  EXPECT_EQ(synced.positions.back().raw_offset, synced.file.size());
}

TEST(CsvWriterSyncPoint, WithGzipRawInflateFromFileOffsetYieldsTheRowsFromThere) {
  const Table table = NumberedRows(20000);
  CsvOptions options;
  options.gzip = true;
  const SyncedFile synced = WriteWithSyncPoints(options, table, 3000);
  CsvOptions plain_options = options;
  plain_options.gzip = false;
  const SyncedFile plain = WriteWithSyncPoints(plain_options, table, 3000);
  ASSERT_EQ(synced.positions.size(), plain.positions.size());
  EXPECT_EQ(Inflate(synced.file, 15 + 16), plain.file);
  for (std::size_t i = 0; i < synced.positions.size(); ++i) {
    const CsvPosition& position = synced.positions[i];
    EXPECT_EQ(position.row, plain.positions[i].row);
    EXPECT_EQ(position.raw_offset, plain.positions[i].raw_offset);
    EXPECT_LT(position.file_offset, synced.file.size());
    if (i > 0) {
      EXPECT_GT(position.file_offset, synced.positions[i - 1].file_offset);
    }
    std::size_t trailing = 0;
    const std::string rows =
        Inflate(View(synced.file).substr(position.file_offset), -15, &trailing);
    EXPECT_EQ(trailing, 8U);
    EXPECT_TRUE(rows == RecordsFrom(table, position.row, options)) << "row " << position.row;
  }
}

TEST(CsvWriterSyncPoint, WithGzipBeforeAnyOutput) {
  // No header and no BOM: the first SyncPoint still gives a raw-deflate position (after the
  // gzip header), not offset 0.
  const Table table = NumberedRows(10);
  CsvOptions options;
  options.gzip = true;
  options.header = false;
  const SyncedFile synced = WriteWithSyncPoints(options, table, 100);
  ASSERT_EQ(synced.positions.size(), 2U);
  EXPECT_EQ(synced.positions[0].raw_offset, 0U);
  // After the 10-byte gzip header (and the flush's empty stored block).
  EXPECT_GE(synced.positions[0].file_offset, 10U);
  EXPECT_LE(synced.positions[0].file_offset, 15U);
  EXPECT_EQ(Inflate(View(synced.file).substr(synced.positions[0].file_offset), -15),
            RecordsFrom(table, 0, options));
  EXPECT_EQ(Inflate(View(synced.file).substr(synced.positions[1].file_offset), -15), "");
}

}  // namespace
}  // namespace batuta::formats
