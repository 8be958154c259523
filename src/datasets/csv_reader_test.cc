#include "datasets/csv_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace batuta::datasets {
namespace {

using Table = std::vector<std::vector<std::string>>;

formats::CsvOptions Options(char delimiter = ',') {
  formats::CsvOptions options;
  options.header = false;
  options.delimiter = delimiter;
  return options;
}

Result<Table> ReadAll(CsvReader& reader) {
  Table table;
  for (;;) {
    auto more = reader.Next();
    if (!more.ok()) return std::move(more).error();
    if (!*more) return table;
    std::vector<std::string> row;
    for (const CsvField& field : reader.record().fields) row.emplace_back(field.text);
    table.push_back(std::move(row));
  }
}

Result<Table> Parse(std::string bytes, const formats::CsvOptions& options) {
  auto reader = CsvReader::FromBytes(std::move(bytes), options);
  return ReadAll(*reader);
}

Table MustParse(std::string bytes, const formats::CsvOptions& options = Options()) {
  auto table = Parse(std::move(bytes), options);
  EXPECT_TRUE(table.ok()) << table.error().message;
  return table.ok() ? *table : Table{};
}

std::string ParseError(std::string bytes, const formats::CsvOptions& options = Options()) {
  auto table = Parse(std::move(bytes), options);
  EXPECT_FALSE(table.ok());
  if (table.ok()) return "";
  EXPECT_EQ(table.error().code, ErrorCode::kInvalidArgument);
  return table.error().message;
}

// RFC 4180 encoding of a table, for fixtures: fields quoted when they need it.
std::string Encode(const Table& table, char delimiter, std::string_view line_ending) {
  std::string out;
  for (const auto& row : table) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out.push_back(delimiter);
      const std::string& field = row[i];
      if (field.find_first_of(std::string("\"\r\n") + delimiter) == std::string::npos) {
        out.append(field);
        continue;
      }
      out.push_back('"');
      for (const char c : field) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
      }
      out.push_back('"');
    }
    out.append(line_ending);
  }
  return out;
}

Table RandomTable(std::mt19937& random, std::size_t rows, std::size_t columns) {
  static const std::vector<std::string> kPieces = {"a",    "bc", "1234", ",", ";",   "\"", "\"\"",
                                                   "\r\n", "\n", "\r",   " ", "ção", "",   "xyz"};
  Table table;
  for (std::size_t r = 0; r < rows; ++r) {
    std::vector<std::string> row;
    for (std::size_t c = 0; c < columns; ++c) {
      std::string field;
      const std::size_t pieces = random() % 6;
      for (std::size_t p = 0; p < pieces; ++p) field += kPieces[random() % kPieces.size()];
      row.push_back(field);
    }
    table.push_back(std::move(row));
  }
  return table;
}

TEST(CsvReaderTest, SplitsRecordsOnLfCrlfAndLoneCr) {
  const Table expected = {{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g", "h"}};
  EXPECT_EQ(MustParse("a,b\nc,d\ne,f\ng,h\n"), expected);
  EXPECT_EQ(MustParse("a,b\r\nc,d\r\ne,f\r\ng,h\r\n"), expected);
  EXPECT_EQ(MustParse("a,b\rc,d\r\ne,f\ng,h"), expected);
}

TEST(CsvReaderTest, QuotedFieldsHoldDelimitersQuotesAndLineBreaks) {
  const Table table = MustParse("\"a,b\",\"say \"\"hi\"\"\",\"line1\r\nline2\",\"x\ny\"\r\n");
  ASSERT_EQ(table.size(), 1U);
  EXPECT_EQ(table[0], (std::vector<std::string>{"a,b", "say \"hi\"", "line1\r\nline2", "x\ny"}));
  EXPECT_EQ(MustParse("\"\"\"\"\n\"\"\n"), (Table{{"\""}, {""}}));
}

TEST(CsvReaderTest, ReportsWhichFieldsWereQuoted) {
  auto reader = CsvReader::FromBytes("\"\",,\"x\",y\n", Options());
  ASSERT_TRUE(*reader->Next());
  const auto fields = reader->record().fields;
  ASSERT_EQ(fields.size(), 4U);
  EXPECT_TRUE(fields[0].quoted);
  EXPECT_FALSE(fields[1].quoted);
  EXPECT_TRUE(fields[2].quoted);
  EXPECT_FALSE(fields[3].quoted);
  EXPECT_EQ(fields[0].text, "");
  EXPECT_EQ(fields[1].text, "");
}

TEST(CsvReaderTest, EmptyFieldsBlankLinesAndMissingFinalLineEnding) {
  EXPECT_EQ(MustParse(",a,\n"), (Table{{"", "a", ""}}));
  EXPECT_EQ(MustParse("a\n\nb\n"), (Table{{"a"}, {""}, {"b"}}));
  EXPECT_EQ(MustParse("a\r\n\r\n"), (Table{{"a"}, {""}}));
  EXPECT_EQ(MustParse("a,b"), (Table{{"a", "b"}}));
  EXPECT_EQ(MustParse("a,"), (Table{{"a", ""}}));
  EXPECT_EQ(MustParse("a,\"b\""), (Table{{"a", "b"}}));
  EXPECT_EQ(MustParse(""), Table{});
}

TEST(CsvReaderTest, UsesTheConfiguredDelimiterAndQuote) {
  formats::CsvOptions options = Options(';');
  options.quote = '\'';
  EXPECT_EQ(MustParse("a;'b;c';'it''s,d'\n", options), (Table{{"a", "b;c", "it's,d"}}));
}

TEST(CsvReaderTest, ReadsTheHeaderSeparately) {
  formats::CsvOptions options = Options();
  options.header = true;
  auto reader = CsvReader::FromBytes("id,name\r\n1,ana\r\n2,bia\r\n", options);
  auto table = ReadAll(*reader);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(*table, (Table{{"1", "ana"}, {"2", "bia"}}));
  EXPECT_TRUE(reader->has_header());
  EXPECT_EQ(reader->header(), (std::vector<std::string>{"id", "name"}));

  auto empty = CsvReader::FromBytes("", options);
  EXPECT_FALSE(*empty->Next());
  EXPECT_FALSE(empty->has_header());
}

TEST(CsvReaderTest, SkipsAUtf8ByteOrderMark) {
  formats::CsvOptions options = Options();
  options.header = true;
  options.encoding = formats::CsvEncoding::kUtf8Bom;
  auto reader = CsvReader::FromBytes("\xEF\xBB\xBFid\n1\n", options);
  ASSERT_TRUE(*reader->Next());
  EXPECT_EQ(reader->header(), (std::vector<std::string>{"id"}));
  EXPECT_EQ(reader->record().fields[0].text, "1");
  // A BOM in a file declared plain UTF-8 is skipped too; a BOM alone is an empty stream.
  EXPECT_EQ(MustParse("\xEF\xBB\xBF"
                      "a\n"),
            (Table{{"a"}}));
  EXPECT_EQ(MustParse("\xEF\xBB\xBF"), Table{});
  EXPECT_EQ(MustParse("\xEF\xBB"), (Table{{"\xEF\xBB"}}));
}

TEST(CsvReaderTest, DecodesWindows1252ToUtf8) {
  formats::CsvOptions options = Options(';');
  options.encoding = formats::CsvEncoding::kWindows1252;
  const Table table =
      MustParse("S\xE3o Paulo;\x80 5;\"a\"\"\xE7\";\x81\x9F\xFF;plain\r\n", options);
  ASSERT_EQ(table.size(), 1U);
  EXPECT_EQ(table[0], (std::vector<std::string>{"S\xC3\xA3o Paulo", "\xE2\x82\xAC 5", "a\"\xC3\xA7",
                                                "\xC2\x81\xC5\xB8\xC3\xBF", "plain"}));
  // No BOM skipping in windows-1252: those bytes are the characters ï»¿.
  EXPECT_EQ(MustParse("\xEF\xBB\xBFx\n", options), (Table{{"\xC3\xAF\xC2\xBB\xC2\xBFx"}}));
}

TEST(CsvReaderTest, MalformedInputNamesTheRow) {
  EXPECT_EQ(ParseError("a\nb\n\"open\n"), "CSV data row 3 (byte 4): unterminated quoted field");
  EXPECT_EQ(ParseError("a,b\nc,d\"e\n"), "CSV data row 2 (byte 7): quote inside an unquoted field");
  EXPECT_EQ(ParseError("\"ab\"c\n"),
            "CSV data row 1 (byte 4): unexpected character after a closing quote");
  formats::CsvOptions options = Options();
  options.header = true;
  EXPECT_EQ(ParseError("\"id\n", options), "CSV header (byte 0): unterminated quoted field");
}

TEST(CsvReaderTest, RecordRangesCoverTheStream) {
  const std::string bytes = "a,b\r\n\"x\r\ny\",z\nlast";
  auto reader = CsvReader::FromBytes(bytes, Options());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  while (*reader->Next()) {
    ranges.emplace_back(reader->record().raw_begin, reader->record().raw_end);
    EXPECT_EQ(reader->record().row, ranges.size() - 1);
  }
  EXPECT_EQ(ranges,
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 5}, {5, 14}, {14, 18}}));
}

TEST(CsvReaderTest, RandomTablesRoundTripAcrossBufferBoundaries) {
  std::mt19937 random(42);
  for (const std::string_view ending : {"\r\n", "\n"}) {
    const Table table = RandomTable(random, 40'000, 7);  // a few MiB: many buffer refills
    EXPECT_EQ(MustParse(Encode(table, ',', ending)), table);
  }
}

TEST(CsvReaderTest, RecordsLargerThanTheBuffer) {
  const std::string big(3 * 1024 * 1024 + 17, 'x');
  std::string quoted_big = "\"" + std::string(700'000, 'q') + "\"\"" + std::string(5, 'r') + "\"";
  const Table table = MustParse("a," + big + "\n" + quoted_big + ",b\n");
  ASSERT_EQ(table.size(), 2U);
  EXPECT_EQ(table[0][1], big);
  EXPECT_EQ(table[1][0], std::string(700'000, 'q') + "\"rrrrr");
}

TEST(CsvReaderTest, SeeksToRecordOffsetsOfAPlainStream) {
  std::mt19937 random(7);
  const Table table = RandomTable(random, 3000, 3);
  const std::string bytes = Encode(table, ',', "\r\n");
  auto reader = CsvReader::FromBytes(bytes, Options());
  std::vector<std::uint64_t> offsets;
  while (*reader->Next()) offsets.push_back(reader->record().raw_begin);
  ASSERT_EQ(offsets.size(), table.size());
  // Backwards (each a real seek), then forwards in steps (mostly inside the buffer).
  for (std::size_t row = table.size(); row-- > 0;) {
    if (row % 97 != 0 && row != table.size() - 1) continue;
    ASSERT_TRUE(reader->Seek({row, offsets[row], offsets[row]}).ok());
    ASSERT_TRUE(*reader->Next());
    EXPECT_EQ(reader->record().row, row);
    EXPECT_EQ(reader->record().fields[2].text, table[row][2]);
  }
  for (std::size_t row = 0; row < table.size(); row += 3) {
    ASSERT_TRUE(reader->Seek({row, offsets[row], offsets[row]}).ok());
    ASSERT_TRUE(*reader->Next());
    EXPECT_EQ(reader->record().fields[0].text, table[row][0]);
  }
  ASSERT_TRUE(reader->Seek({}).ok());
  ASSERT_TRUE(*reader->Skip(2999));
  EXPECT_TRUE(*reader->Skip(1));
  EXPECT_FALSE(*reader->Skip(1));
  EXPECT_FALSE(*reader->Skip(1));
}

// Compresses like the CSV writer: one gzip member, a full flush at each checkpoint.
struct GzipFixture {
  std::string file;
  std::vector<CsvCheckpoint> checkpoints;
};

GzipFixture Compress(const std::string& header, const std::vector<std::string>& records,
                     std::size_t every) {
  GzipFixture out;
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::uint64_t raw = 0;
  auto put = [&](const std::string& bytes, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    char buffer[16384];
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof(buffer);
      deflate(&z, flush);
      out.file.append(buffer, sizeof(buffer) - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && z.avail_in > 0));
    raw += bytes.size();
  };
  put(header, Z_NO_FLUSH);
  for (std::size_t row = 0; row < records.size(); ++row) {
    if (row % every == 0) {
      put("", Z_FULL_FLUSH);
      out.checkpoints.push_back({row, raw, out.file.size()});
    }
    put(records[row], Z_NO_FLUSH);
  }
  put("", Z_FINISH);
  deflateEnd(&z);
  return out;
}

TEST(CsvReaderTest, GzipFromTheStartAndFromFullFlushCheckpoints) {
  std::vector<std::string> records;
  records.reserve(5000);
  for (int row = 0; row < 5000; ++row) {
    records.push_back(std::to_string(row) + ",\"v\r\n" + std::to_string(row * 7) + "\"\r\n");
  }
  const GzipFixture gz = Compress("\xEF\xBB\xBFid,value\r\n", records, 1024);
  formats::CsvOptions options = Options();
  options.gzip = true;
  options.header = true;
  auto reader = CsvReader::FromBytes(gz.file, options);
  auto all = ReadAll(*reader);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 5000U);
  EXPECT_EQ((*all)[4999][1], "v\r\n34993");
  EXPECT_EQ(reader->header(), (std::vector<std::string>{"id", "value"}));

  ASSERT_EQ(gz.checkpoints.size(), 5U);
  for (auto it = gz.checkpoints.rbegin(); it != gz.checkpoints.rend(); ++it) {
    ASSERT_TRUE(reader->Seek(*it).ok());
    ASSERT_TRUE(*reader->Next());
    EXPECT_EQ(reader->record().row, it->row);
    EXPECT_EQ(reader->record().fields[0].text, std::to_string(it->row));
    EXPECT_EQ(reader->record().raw_begin, it->raw_offset);
    std::uint64_t rows = 1;
    while (*reader->Next()) ++rows;
    EXPECT_EQ(it->row + rows, 5000U);
  }
}

TEST(CsvReaderTest, GzipConcatenatedMembersAndDamage) {
  const GzipFixture first = Compress("", {"a\n", "b\n"}, 1);
  const GzipFixture second = Compress("", {"c\n"}, 1);
  formats::CsvOptions options = Options();
  options.gzip = true;
  EXPECT_EQ(MustParse(first.file + second.file, options), (Table{{"a"}, {"b"}, {"c"}}));
  // From a checkpoint of the first member, the second member follows.
  auto reader = CsvReader::FromBytes(first.file + second.file, options);
  ASSERT_TRUE(reader->Seek(first.checkpoints[1]).ok());
  EXPECT_EQ(*ReadAll(*reader), (Table{{"b"}, {"c"}}));

  EXPECT_NE(ParseError(first.file.substr(0, first.file.size() - 6), options).find("truncated"),
            std::string::npos);
  EXPECT_NE(ParseError(first.file + "junk", options).find("after the gzip stream"),
            std::string::npos);
  EXPECT_NE(ParseError("plain text", options).find("corrupt gzip data"), std::string::npos);
  EXPECT_NE(ParseError("", options).find("truncated"), std::string::npos);
  std::string damaged = first.file;
  damaged[damaged.size() - 3] ^= 0x55;  // the trailer's length no longer matches
  EXPECT_NE(ParseError(damaged, options).find("corrupt gzip data"), std::string::npos);
}

TEST(CsvReaderTest, OpensFilesAndReportsMissingOnes) {
  const testing::TempDir dir;
  const std::string path = (dir.path() / "data.csv").string();
  std::ofstream(path, std::ios::binary) << "x,y\r\n1,2\r\n";
  auto reader = CsvReader::OpenFile(path, Options());
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*ReadAll(**reader), (Table{{"x", "y"}, {"1", "2"}}));

  auto missing = CsvReader::OpenFile((dir.path() / "nope.csv").string(), Options());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace batuta::datasets
