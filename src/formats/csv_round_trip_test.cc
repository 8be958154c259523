// Round trip through a reference parser: files written by CsvWriter are read back with Python's
// csv module (strict mode), and the cells compared. One Python process reads all files.
#include <gtest/gtest.h>
#include <stdio.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "formats/csv_writer.h"
#include "formats/memory_sink.h"
#include "formats/text_encoding.h"
#include "temp_dir.h"

namespace batuta::formats {
namespace {

using Json = nlohmann::json;
using rows::Cell;
using rows::Column;
using rows::ColumnType;

// Reads each file of the manifest with csv.reader and answers
//   {"files": [[[cell, ...], ...], ...],        rows of each file, header included
//    "replaced": [text, ...],                  each "invalid" hex string decoded with "replace"
//    "cp1252": {"<code point>": byte, ...}}    every code point below U+10000 cp1252 can encode
constexpr const char* kReader = R"py(
import csv, gzip, json, sys
manifest = json.load(open(sys.argv[1]))
files = []
for f in manifest["files"]:
    opener = gzip.open if f["gzip"] else open
    with opener(f["path"], "rt", newline="", encoding=f["encoding"]) as stream:
        files.append([row for row in csv.reader(stream, delimiter=f["delimiter"],
                                                quotechar=f["quote"], strict=True)])
replaced = [bytes.fromhex(h).decode("utf-8", "replace") for h in manifest["invalid"]]
cp1252 = {}
for cp in range(0x10000):
    try:
        cp1252[str(cp)] = chr(cp).encode("cp1252")[0]
    except UnicodeEncodeError:
        pass
json.dump({"files": files, "replaced": replaced, "cp1252": cp1252}, sys.stdout)
)py";

using Value = std::optional<std::string>;

struct TestFile {
  std::string name;
  CsvOptions options;
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;
  std::vector<std::vector<std::string>> expected;  // header included
};

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (const char c : bytes) {
    hex += kDigits[static_cast<unsigned char>(c) >> 4U];
    hex += kDigits[static_cast<unsigned char>(c) & 0xFU];
  }
  return hex;
}

std::string Utf8(char32_t code_point) {
  std::string out;
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6U));
    out += static_cast<char>(0x80 | (code_point & 0x3FU));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12U));
    out += static_cast<char>(0x80 | ((code_point >> 6U) & 0x3FU));
    out += static_cast<char>(0x80 | (code_point & 0x3FU));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18U));
    out += static_cast<char>(0x80 | ((code_point >> 12U) & 0x3FU));
    out += static_cast<char>(0x80 | ((code_point >> 6U) & 0x3FU));
    out += static_cast<char>(0x80 | (code_point & 0x3FU));
  }
  return out;
}

// Random rows of three text columns, an integer and a number, with what a reader should see.
TestFile RandomFile(std::string name, const CsvOptions& options, std::uint32_t seed) {
  std::vector<std::string> pieces = {
      "a",       "Z", "1", ",", ";", "\t", "|",    "\"",  "'", "\n", "\r",           "\r\n",
      " ",       "",  "=", "+", "-", "@",  "NULL", "x y", "é", "ç",  "\xE2\x82\xAC", "\xE2\x80\x9C",
      "\xC3\x80"};
  if (options.encoding != CsvEncoding::kWindows1252) {
    pieces.emplace_back("\xE4\xB8\xAD");      // 中
    pieces.emplace_back("\xF0\x9F\x98\x80");  // 😀
  }
  std::mt19937 random(seed);
  auto below = [&random](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  TestFile file;
  file.name = std::move(name);
  file.options = options;
  file.columns = {{"id", ColumnType::kInteger, ""},
                  {"first", ColumnType::kText, ""},
                  {"sec,ond \"x\"", ColumnType::kText, ""},
                  {"valor", ColumnType::kNumber, ""},
                  {"third", ColumnType::kText, ""}};
  file.expected.emplace_back();
  for (const Column& column : file.columns) file.expected.back().push_back(column.name);
  for (int r = 0; r < 300; ++r) {
    std::vector<Value> row;
    std::vector<std::string> seen;
    for (const Column& column : file.columns) {
      if (below(10) == 0) {
        row.emplace_back(std::nullopt);
        seen.push_back(options.null_text);
        continue;
      }
      std::string text;
      switch (column.type) {
        case ColumnType::kInteger:
          text = std::to_string(static_cast<int>(below(2000)) - 1000);
          break;
        case ColumnType::kNumber:
          text = std::to_string(below(100000)) + "." + std::to_string(below(100));
          break;
        default: {
          const std::size_t count = below(6);
          for (std::size_t i = 0; i < count; ++i) text += pieces[below(pieces.size())];
        }
      }
      std::string shown = text;
      if (column.type == ColumnType::kNumber) {
        for (char& c : shown) {
          if (c == '.') c = options.decimal_separator;
        }
      }
      if (column.type == ColumnType::kText && options.formula_guard && !shown.empty() &&
          std::string_view("=+-@\t\r").find(shown.front()) != std::string_view::npos) {
        shown.insert(0, "'");
      }
      row.emplace_back(std::move(text));
      seen.push_back(std::move(shown));
    }
    file.rows.push_back(std::move(row));
    file.expected.push_back(std::move(seen));
  }
  return file;
}

std::string PythonEncoding(const CsvOptions& options) {
  switch (options.encoding) {
    case CsvEncoding::kUtf8:
      return "utf-8";
    case CsvEncoding::kUtf8Bom:
      return "utf-8-sig";
    case CsvEncoding::kWindows1252:
      return "cp1252";
  }
  return "utf-8";
}

// Writes the file to disk (the writer's output, through a MemorySink).
void WriteFile(const TestFile& file, const std::filesystem::path& path) {
  MemorySink sink;
  CsvWriter writer(sink, file.options);
  ASSERT_TRUE(writer.Begin(file.columns).ok());
  std::vector<Cell> cells;
  for (const auto& row : file.rows) {
    cells.clear();
    for (const Value& value : row) cells.push_back(value ? Cell::Of(*value) : Cell::Null());
    const Status status = writer.Row(cells);
    ASSERT_TRUE(status.ok()) << status.error().message;
  }
  ASSERT_TRUE(writer.Finish().ok());
  std::ofstream(path, std::ios::binary) << sink.data();
}

std::optional<std::string> RunPython(const std::filesystem::path& script,
                                     const std::filesystem::path& manifest) {
  const std::string command = "python3 '" + script.string() + "' '" + manifest.string() + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string output;
  char buffer[65536];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, got);
  if (::pclose(pipe) != 0) return std::nullopt;
  return output;
}

TEST(CsvRoundTrip, PythonCsvReadsBackEveryCell) {
  if (std::system("python3 -c 'import csv, gzip' 2>/dev/null") != 0) {
    GTEST_SKIP() << "python3 is not available";
  }
  std::vector<TestFile> files;
  files.push_back(RandomFile("default.csv", {}, 1));
  {
    auto options = CsvPreset("excel_br", "csv").value();
    files.push_back(RandomFile("excel_br.csv", options, 2));
  }
  {
    CsvOptions options;
    options.delimiter = '\t';
    options.quote = '\'';
    options.line_ending = "\n";
    options.encoding = CsvEncoding::kWindows1252;
    options.formula_guard = true;
    files.push_back(RandomFile("tab_1252.csv", options, 3));
  }
  {
    CsvOptions options;
    options.delimiter = '|';
    options.null_text = "NULL";
    options.gzip = true;
    files.push_back(RandomFile("pipe.csv.gz", options, 4));
  }
  // Every character windows-1252 has (but NUL) in one cell.
  {
    TestFile all;
    all.name = "all_1252.csv";
    all.options.encoding = CsvEncoding::kWindows1252;
    all.columns = {{"all", ColumnType::kText, ""}};
    std::string text;
    for (char32_t code_point = 1; code_point < 0x10000; ++code_point) {
      if (Windows1252FromCodePoint(code_point) >= 0) text += Utf8(code_point);
    }
    all.rows = {{text}};
    all.expected = {{"all"}, {text}};
    files.push_back(std::move(all));
  }
  // Invalid UTF-8, replaced: compared with Python's own "replace" decoding.
  const std::vector<std::string> invalid = {
      "\xFF",         "a\xC3",        "\xC0\x80x",
      "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80",
      "\xE2\x82z",    "\xF0\x9F\x98", "ok\xF0\x9F\x98\x80\x80",
      "\xC3\xA9\xA9"};
  {
    TestFile replaced;
    replaced.name = "replaced.csv";
    replaced.options.on_unmappable = OnUnmappable::kReplace;
    replaced.columns = {{"raw", ColumnType::kText, ""}};
    for (const std::string& bytes : invalid) replaced.rows.push_back({bytes});
    files.push_back(std::move(replaced));
  }

  batuta::testing::TempDir dir;
  Json manifest = {{"files", Json::array()}, {"invalid", Json::array()}};
  for (const TestFile& file : files) {
    const auto path = dir.path() / file.name;
    WriteFile(file, path);
    manifest["files"].push_back({{"path", path.string()},
                                 {"encoding", PythonEncoding(file.options)},
                                 {"delimiter", std::string(1, file.options.delimiter)},
                                 {"quote", std::string(1, file.options.quote)},
                                 {"gzip", file.options.gzip}});
  }
  for (const std::string& bytes : invalid) manifest["invalid"].push_back(Hex(bytes));
  std::ofstream(dir.path() / "manifest.json") << manifest.dump();
  std::ofstream(dir.path() / "reader.py") << kReader;

  const auto output = RunPython(dir.path() / "reader.py", dir.path() / "manifest.json");
  ASSERT_TRUE(output.has_value()) << "python3 failed";
  const Json result = Json::parse(*output);

  ASSERT_EQ(result["files"].size(), files.size());
  for (std::size_t f = 0; f < files.size(); ++f) {
    const TestFile& file = files[f];
    const Json& rows = result["files"][f];
    if (file.name == "replaced.csv") {
      ASSERT_EQ(rows.size(), invalid.size() + 1);
      for (std::size_t r = 0; r < invalid.size(); ++r) {
        EXPECT_EQ(rows[r + 1][0], result["replaced"][r]) << "value " << r;
      }
      continue;
    }
    ASSERT_EQ(rows.size(), file.expected.size()) << file.name;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      EXPECT_EQ(rows[r].get<std::vector<std::string>>(), file.expected[r])
          << file.name << " record " << r;
    }
  }

  // The windows-1252 table, both ways, against Python's codec.
  const Json& cp1252 = result["cp1252"];
  EXPECT_EQ(cp1252.size(), 251U);  // 256 bytes, 5 of them undefined
  for (char32_t code_point = 0; code_point < 0x10000; ++code_point) {
    const auto it = cp1252.find(std::to_string(code_point));
    const int expected = it == cp1252.end() ? -1 : it->get<int>();
    ASSERT_EQ(Windows1252FromCodePoint(code_point), expected)
        << "U+" << std::hex << static_cast<unsigned>(code_point);
  }
}

}  // namespace
}  // namespace batuta::formats
