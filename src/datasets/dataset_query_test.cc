#include "datasets/dataset_query.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "formats/csv_writer.h"
#include "formats/memory_sink.h"
#include "temp_dir.h"

namespace batuta::datasets {
namespace {

using rows::ColumnType;
using Cells = std::vector<std::optional<std::string>>;  // as written in the file; nullopt: NULL
using Params = std::multimap<std::string, std::string>;
using nlohmann::json;

// UTF-8 (Latin-1 range and the euro sign only) to windows-1252, for fixtures.
std::string ToWindows1252(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c == 0xE2 && text.substr(i, 3) == "\xE2\x82\xAC") {
      out.push_back('\x80');
      i += 2;
    } else {
      out.push_back(static_cast<char>(((c & 0x1F) << 6) | (text[++i] & 0x3F)));
    }
  }
  return out;
}

// Encodes rows the way the CSV writer does (quoting a value equal to null_text) and writes the
// file and, when `index`, its row index with a checkpoint every `every` rows (gzip: one member,
// a full flush at each checkpoint).
class DatasetFile {
 public:
  DatasetFile(const testing::TempDir& dir, std::string name, std::vector<rows::Column> columns,
              formats::CsvOptions options)
      : dir_(dir) {
    info_.name = std::move(name);
    info_.version = "v1";
    info_.columns = std::move(columns);
    info_.options = std::move(options);
  }

  DatasetInfo Write(const std::vector<Cells>& rows, std::uint64_t every = 1024, bool index = true) {
    const formats::CsvOptions& o = info_.options;
    std::vector<std::string> records;
    std::string header;
    if (o.encoding == formats::CsvEncoding::kUtf8Bom) header = "\xEF\xBB\xBF";
    if (o.header) {
      Cells names;
      for (const auto& column : info_.columns) names.emplace_back(column.name);
      header += Record(names);
    }
    records.reserve(rows.size());
    for (const Cells& row : rows) records.push_back(Record(row));

    RowIndexBuilder builder;
    std::string file;
    std::uint64_t raw = header.size();
    if (!o.gzip) {
      file = header;
      for (std::size_t row = 0; row < records.size(); ++row) {
        if (row % every == 0) {
          EXPECT_TRUE(builder.Add({row, raw, raw}).ok());
        }
        file += records[row];
        raw += records[row].size();
      }
    } else {
      z_stream z{};
      EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
      auto put = [&](const std::string& bytes, int flush) {
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
        z.avail_in = static_cast<uInt>(bytes.size());
        char buffer[16384];
        do {
          z.next_out = reinterpret_cast<Bytef*>(buffer);
          z.avail_out = sizeof(buffer);
          deflate(&z, flush);
          file.append(buffer, sizeof(buffer) - z.avail_out);
        } while (z.avail_out == 0);
      };
      put(header, Z_NO_FLUSH);
      for (std::size_t row = 0; row < records.size(); ++row) {
        if (row % every == 0) {
          put("", Z_FULL_FLUSH);
          EXPECT_TRUE(builder.Add({row, raw, file.size()}).ok());
        }
        put(records[row], Z_NO_FLUSH);
        raw += records[row].size();
      }
      put("", Z_FINISH);
      deflateEnd(&z);
    }
    info_.csv_path = (dir_.path() / (info_.name + ".csv")).string();
    std::ofstream(info_.csv_path, std::ios::binary | std::ios::trunc) << file;
    info_.total_rows = rows.size();
    info_.index_path.clear();
    if (index) {
      info_.index_path = info_.csv_path + ".idx";
      const RowIndexSummary summary{.rows = rows.size(),
                                    .columns = static_cast<std::uint32_t>(info_.columns.size()),
                                    .header = o.header,
                                    .gzip = o.gzip,
                                    .raw_size = raw,
                                    .file_size = file.size()};
      EXPECT_TRUE(builder.FinishToFile(summary, info_.index_path).ok());
    }
    return info_;
  }

 private:
  std::string Record(const Cells& cells) const {
    const formats::CsvOptions& o = info_.options;
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out.push_back(o.delimiter);
      if (!cells[i]) {
        out += o.null_text;
        continue;
      }
      const std::string& value = *cells[i];
      const bool quote =
          value == o.null_text ||
          value.find_first_of(std::string("\r\n") + o.quote + o.delimiter) != std::string::npos;
      std::string field;
      if (quote) field.push_back(o.quote);
      for (const char c : value) {
        if (c == o.quote) field.push_back(c);
        field.push_back(c);
      }
      if (quote) field.push_back(o.quote);
      out += o.encoding == formats::CsvEncoding::kWindows1252 ? ToWindows1252(field) : field;
    }
    out += o.line_ending;
    return out;
  }

  const testing::TempDir& dir_;
  DatasetInfo info_;
};

Result<std::string> RunQuery(const DatasetInfo& info, const Params& params,
                             const QueryLimits& limits = {}) {
  auto spec = ParseQuerySpec(params, info);
  if (!spec.ok()) return std::move(spec).error();
  return RenderQuery(info, *spec, limits);
}

json RunJson(const DatasetInfo& info, const Params& params) {
  auto out = RunQuery(info, params);
  EXPECT_TRUE(out.ok()) << out.error().message;
  if (!out.ok()) return json();
  return json::parse(*out);
}

// The ids (first column, raw) of a JSON result.
std::vector<std::string> Ids(const json& result) {
  std::vector<std::string> ids;
  for (const auto& row : result["rows"]) ids.push_back(row["id"].get<std::string>());
  return ids;
}

std::vector<std::string> IdsOf(const DatasetInfo& info, Params params) {
  params.emplace("select", "id");
  params.emplace("limit", "all");
  return Ids(RunJson(info, params));
}

Error ErrorOf(const DatasetInfo& info, const Params& params) {
  auto spec = ParseQuerySpec(params, info);
  EXPECT_FALSE(spec.ok());
  return spec.ok() ? Error{} : spec.error();
}

class PeopleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    formats::CsvOptions options;
    options.delimiter = ';';
    options.decimal_separator = ',';
    options.date_format = "%d/%m/%Y";
    options.timestamp_format = "%d/%m/%Y %H:%M:%S";
    options.formula_guard = true;
    DatasetFile file(dir_, "people",
                     {{"id", ColumnType::kInteger, "int"},
                      {"cpf", ColumnType::kText, "varchar"},
                      {"name", ColumnType::kText, "varchar"},
                      {"amount", ColumnType::kNumber, "numeric"},
                      {"active", ColumnType::kBoolean, "bool"},
                      {"born", ColumnType::kDate, "date"},
                      {"seen", ColumnType::kTimestamp, "timestamp"},
                      {"note", ColumnType::kText, "text"}},
                     options);
    info_ = file.Write({
        {"1", "01234567890", "Ana", "10,5", "true", "15/06/1990", "01/02/2024 08:00:00",
         "'=SUM(A1)"},
        {"2", "00011122233", "Bruno", "2", "false", "01/01/2000", "01/02/2024 09:30:00.5", ""},
        {"3", "98765432100", "Carla", std::nullopt, "true", std::nullopt, std::nullopt,
         std::nullopt},
        {"4", "12345678901", "Davi", "-3,25", "false", "31/12/1985", "15/01/2024 23:59:59",
         "say \"hi\";\nbye"},
        {"5", "55555555555", "Eva", "100", "true", "29/02/2000", "01/02/2024 08:00:00",
         "\xC3\xA7\xC3\xA3o"},
        {"6", "06666666666", "Ana", "10,50", std::nullopt, "15/06/1990", "01/02/2024 07:59:59",
         "x"},
    });
  }

  testing::TempDir dir_;
  DatasetInfo info_;
};

TEST_F(PeopleTest, JsonPageInRawMode) {
  const json result = RunJson(info_, {});
  EXPECT_EQ(result["dataset"], "people");
  EXPECT_EQ(result["version"], "v1");
  EXPECT_EQ(result["total"], 6);
  EXPECT_EQ(result["offset"], 0);
  EXPECT_EQ(result["limit"], 100);
  EXPECT_TRUE(result["next_cursor"].is_null());
  ASSERT_EQ(result["columns"].size(), 8U);
  EXPECT_EQ(result["columns"][3], (json{{"name", "amount"}, {"type", "number"}}));
  ASSERT_EQ(result["rows"].size(), 6U);
  const json& ana = result["rows"][0];
  EXPECT_EQ(ana["id"], "1");
  EXPECT_EQ(ana["cpf"], "01234567890");  // leading zero kept
  EXPECT_EQ(ana["amount"], "10,5");      // exactly as in the file
  EXPECT_EQ(ana["active"], "true");
  EXPECT_EQ(ana["born"], "15/06/1990");
  EXPECT_EQ(ana["note"], "=SUM(A1)");        // formula guard removed
  EXPECT_EQ(result["rows"][1]["note"], "");  // an empty string is not NULL
  EXPECT_TRUE(result["rows"][2]["amount"].is_null());
  EXPECT_TRUE(result["rows"][2]["note"].is_null());
  EXPECT_EQ(result["rows"][3]["note"], "say \"hi\";\nbye");
  EXPECT_EQ(result["rows"][4]["note"], "\xC3\xA7\xC3\xA3o");
}

TEST_F(PeopleTest, RowsKeepColumnOrder) {
  auto out = RunQuery(info_, {{"limit", "1"}, {"select", "note,id,cpf"}});
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->find("\"rows\":[{\"note\":\"=SUM(A1)\",\"id\":\"1\",\"cpf\":\"01234567890\"}]"),
            std::string::npos)
      << *out;
  EXPECT_NE(out->find("\"columns\":[{\"name\":\"note\",\"type\":\"text\"},{\"name\":\"id\","
                      "\"type\":\"integer\"},{\"name\":\"cpf\",\"type\":\"text\"}]"),
            std::string::npos);
}

TEST_F(PeopleTest, TypedMode) {
  const json result = RunJson(info_, {{"types", "typed"}});
  const json& rows = result["rows"];
  EXPECT_EQ(rows[0]["id"], 1);
  EXPECT_TRUE(rows[0]["id"].is_number_integer());
  EXPECT_EQ(rows[0]["cpf"], "01234567890");  // text stays text
  EXPECT_DOUBLE_EQ(rows[0]["amount"].get<double>(), 10.5);
  EXPECT_DOUBLE_EQ(rows[3]["amount"].get<double>(), -3.25);
  EXPECT_EQ(rows[0]["active"], true);
  EXPECT_EQ(rows[1]["active"], false);
  EXPECT_EQ(rows[0]["born"], "1990-06-15");
  EXPECT_EQ(rows[0]["seen"], "2024-02-01 08:00:00");
  EXPECT_EQ(rows[1]["seen"], "2024-02-01 09:30:00.5");
  EXPECT_TRUE(rows[2]["amount"].is_null());
  EXPECT_TRUE(rows[2]["born"].is_null());
  EXPECT_TRUE(rows[5]["active"].is_null());
  EXPECT_EQ(rows[0]["note"], "=SUM(A1)");
  auto out = RunQuery(info_, {{"types", "typed"}, {"select", "amount"}, {"limit", "1"}});
  EXPECT_NE(out->find("{\"amount\":10.5}"), std::string::npos) << *out;
}

TEST_F(PeopleTest, IntegerComparisons) {
  using V = std::vector<std::string>;
  EXPECT_EQ(IdsOf(info_, {{"filter", "id:gt:4"}}), (V{"5", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "id:ge:4"}}), (V{"4", "5", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "id:lt:2"}}), (V{"1"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "id:le:2"}}), (V{"1", "2"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "id:eq:3"}}), (V{"3"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "id:eq:03"}}), (V{"3"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "id:ne:3"}}), (V{"1", "2", "4", "5", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "id:in:1|3|9"}}), (V{"1", "3"}));
}

TEST_F(PeopleTest, NumberComparisonsUnderstandTheDecimalComma) {
  using V = std::vector<std::string>;
  // Numeric, not text order: "100" > 9 > "2".
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:gt:9"}}), (V{"1", "5", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:eq:10.5"}}), (V{"1", "6"}));  // 10,5 and 10,50
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:eq:10,50"}}), (V{"1", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:lt:0"}}), (V{"4"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:ge:-3.25"}}), (V{"1", "2", "4", "5", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:lt:-3.2"}}), (V{"4"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:le:1e2"}}), (V{"1", "2", "4", "5", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:in:2|100"}}), (V{"2", "5"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:ne:2"}}), (V{"1", "4", "5", "6"}));  // NULL never
}

TEST_F(PeopleTest, DateAndTimestampComparisonsReadTheDatasetFormat) {
  using V = std::vector<std::string>;
  EXPECT_EQ(IdsOf(info_, {{"filter", "born:lt:01/01/1990"}}), (V{"4"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "born:ge:2000-01-01"}}), (V{"2", "5"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "born:eq:15/06/1990"}}), (V{"1", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "born:gt:1990-06-15"}}), (V{"2", "5"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "born:starts_with:1990-06"}}), (V{"1", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "seen:ge:2024-02-01T08:00:00"}}), (V{"1", "2", "5"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "seen:lt:2024-02-01"}}), (V{"4"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "seen:eq:2024-02-01 09:30:00.50"}}), (V{"2"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "seen:gt:01/02/2024 08:00:00"}}), (V{"2"}));
}

TEST_F(PeopleTest, TextBooleanAndNullFilters) {
  using V = std::vector<std::string>;
  EXPECT_EQ(IdsOf(info_, {{"filter", "name:eq:Ana"}}), (V{"1", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "name:contains:a"}}), (V{"1", "3", "4", "5", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "name:starts_with:A"}}), (V{"1", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "cpf:starts_with:0"}}), (V{"1", "2", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "name:in:Ana|Eva"}}), (V{"1", "5", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "name:lt:C"}}), (V{"1", "2", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "note:eq:=SUM(A1)"}}), (V{"1"}));  // without the guard
  EXPECT_EQ(IdsOf(info_, {{"filter", "note:eq:"}}), (V{"2"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "note:contains:;"}}), (V{"4"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "active:eq:true"}}), (V{"1", "3", "5"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "active:ne:true"}}), (V{"2", "4"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "amount:is_null:true"}}), (V{"3"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "active:is_null:true"}}), (V{"6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "note:is_null:false"}}), (V{"1", "2", "4", "5", "6"}));
  // Several filters all apply.
  EXPECT_EQ(IdsOf(info_, {{"filter", "name:eq:Ana"}, {"filter", "amount:gt:10.4"}}), (V{"1", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"filter", "name:eq:Ana"}, {"filter", "id:gt:1"}}), (V{"6"}));
}

TEST_F(PeopleTest, FilteredTotalAndPaging) {
  const json page = RunJson(info_, {{"filter", "name:contains:a"}, {"limit", "2"}});
  EXPECT_EQ(page["total"], 5);
  EXPECT_EQ(Ids(page), (std::vector<std::string>{"1", "3"}));
  ASSERT_TRUE(page["next_cursor"].is_string());
  const json next = RunJson(info_, {{"filter", "name:contains:a"},
                                    {"limit", "2"},
                                    {"cursor", page["next_cursor"].get<std::string>()}});
  EXPECT_EQ(Ids(next), (std::vector<std::string>{"4", "5"}));
  EXPECT_EQ(next["offset"], 2);
  const json last = RunJson(info_, {{"filter", "name:contains:a"},
                                    {"limit", "2"},
                                    {"cursor", next["next_cursor"].get<std::string>()}});
  EXPECT_EQ(Ids(last), (std::vector<std::string>{"6"}));
  EXPECT_TRUE(last["next_cursor"].is_null());
}

TEST_F(PeopleTest, SortIsTypedStableAndPutsNullsLast) {
  using V = std::vector<std::string>;
  EXPECT_EQ(IdsOf(info_, {{"sort", "amount"}}), (V{"4", "2", "1", "6", "5", "3"}));
  EXPECT_EQ(IdsOf(info_, {{"sort", "-amount"}}), (V{"5", "1", "6", "2", "4", "3"}));
  EXPECT_EQ(IdsOf(info_, {{"sort", "name,-id"}}), (V{"6", "1", "2", "3", "4", "5"}));
  EXPECT_EQ(IdsOf(info_, {{"sort", "born"}}), (V{"4", "1", "6", "2", "5", "3"}));
  EXPECT_EQ(IdsOf(info_, {{"sort", "-born"}}), (V{"5", "2", "1", "6", "4", "3"}));
  EXPECT_EQ(IdsOf(info_, {{"sort", "active,id"}}), (V{"2", "4", "1", "3", "5", "6"}));
  EXPECT_EQ(IdsOf(info_, {{"sort", "-seen"}, {"filter", "id:ne:2"}}), (V{"1", "5", "6", "4", "3"}));

  const json page = RunJson(info_, {{"sort", "amount"}, {"limit", "2"}, {"offset", "2"}});
  EXPECT_EQ(Ids(page), (V{"1", "6"}));
  EXPECT_EQ(page["total"], 6);
  const json next = RunJson(
      info_,
      {{"sort", "amount"}, {"limit", "2"}, {"cursor", page["next_cursor"].get<std::string>()}});
  EXPECT_EQ(Ids(next), (V{"5", "3"}));
  EXPECT_TRUE(next["next_cursor"].is_null());
}

TEST_F(PeopleTest, CursorsBelongToOneVersionAndQuery) {
  const json page = RunJson(info_, {{"limit", "4"}});
  const std::string cursor = page["next_cursor"].get<std::string>();
  EXPECT_EQ(
      cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  const json next = RunJson(info_, {{"limit", "4"}, {"cursor", cursor}});
  EXPECT_EQ(Ids(next), (std::vector<std::string>{"5", "6"}));

  DatasetInfo newer = info_;
  newer.version = "v2";
  const Error other = ErrorOf(newer, {{"cursor", cursor}});
  EXPECT_EQ(other.code, ErrorCode::kConflict);
  EXPECT_EQ(other.details["field"], "cursor");
  EXPECT_NE(other.message.find("version v1"), std::string::npos) << other.message;

  EXPECT_EQ(ErrorOf(info_, {{"cursor", cursor}, {"sort", "id"}}).details["field"], "cursor");
  EXPECT_EQ(ErrorOf(info_, {{"cursor", cursor}, {"offset", "1"}}).details["field"], "cursor");
  EXPECT_EQ(ErrorOf(info_, {{"cursor", "!!"}}).code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorOf(info_, {{"cursor", "YWJj"}}).details["field"], "cursor");
}

TEST_F(PeopleTest, NdjsonAndCsvOutput) {
  auto ndjson = RunQuery(
      info_, {{"format", "ndjson"}, {"select", "id,amount"}, {"limit", "2"}, {"types", "typed"}});
  ASSERT_TRUE(ndjson.ok());
  EXPECT_EQ(*ndjson, "{\"id\":1,\"amount\":10.5}\n{\"id\":2,\"amount\":2}\n");

  auto csv = RunQuery(info_, {{"format", "csv"}, {"select", "id,amount,note,born"}});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv,
            "id;amount;note;born\r\n"
            "1;10,5;'=SUM(A1);15/06/1990\r\n"
            "2;2;\"\";01/01/2000\r\n"
            "3;;;\r\n"
            "4;-3,25;\"say \"\"hi\"\";\nbye\";31/12/1985\r\n"
            "5;100;\xC3\xA7\xC3\xA3o;29/02/2000\r\n"
            "6;10,50;x;15/06/1990\r\n");
  auto typed = RunQuery(
      info_,
      {{"format", "csv"}, {"select", "amount,born,active"}, {"limit", "1"}, {"types", "typed"}});
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(*typed, "amount;born;active\r\n10.5;1990-06-15;true\r\n");
}

TEST_F(PeopleTest, BadParametersNameThemselves) {
  const std::vector<std::pair<Params, std::string>> cases = {
      {{{"limit", "abc"}}, "limit"},
      {{{"limit", "10001"}}, "limit"},
      {{{"limit", "-1"}}, "limit"},
      {{{"offset", "-1"}}, "offset"},
      {{{"offset", "1x"}}, "offset"},
      {{{"select", "id,nope"}}, "select"},
      {{{"select", "id,id"}}, "select"},
      {{{"select", ""}}, "select"},
      {{{"sort", "-nope"}}, "sort"},
      {{{"filter", "nope:eq:1"}}, "filter"},
      {{{"filter", "id:zz:1"}}, "filter"},
      {{{"filter", "id:gt"}}, "filter"},
      {{{"filter", "id"}}, "filter"},
      {{{"filter", "id:gt:abc"}}, "filter"},
      {{{"filter", "amount:lt:1,2,3"}}, "filter"},
      {{{"filter", "born:lt:2024-13-01"}}, "filter"},
      {{{"filter", "active:eq:maybe"}}, "filter"},
      {{{"filter", "id:is_null:maybe"}}, "filter"},
      {{{"filter", "id:in:1|x"}}, "filter"},
      {{{"types", "json"}}, "types"},
      {{{"format", "xml"}}, "format"},
      {{{"lmit", "5"}}, "lmit"},
      {{{"limit", "5"}, {"limit", "6"}}, "limit"},
  };
  for (const auto& [params, field] : cases) {
    const Error error = ErrorOf(info_, params);
    EXPECT_EQ(error.code, ErrorCode::kInvalidArgument) << field;
    EXPECT_EQ(error.details["field"], field) << error.message;
    EXPECT_NE(error.message.find(field == "lmit" ? "lmit" : field), std::string::npos)
        << error.message;
  }
  EXPECT_NE(ErrorOf(info_, {{"select", "id,nope"}}).message.find("'nope'"), std::string::npos);
  EXPECT_NE(ErrorOf(info_, {{"filter", "id:gt:abc"}}).message.find("is not an integer"),
            std::string::npos);
}

TEST_F(PeopleTest, LimitBoundsAndAll) {
  EXPECT_TRUE(ParseQuerySpec({{"limit", "10000"}}, info_).ok());
  auto all = ParseQuerySpec({{"limit", "all"}}, info_);
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(all->limit.has_value());
  const json result = RunJson(info_, {{"limit", "all"}});
  EXPECT_TRUE(result["limit"].is_null());
  EXPECT_EQ(result["rows"].size(), 6U);
  EXPECT_TRUE(result["next_cursor"].is_null());
  const json none = RunJson(info_, {{"limit", "0"}, {"filter", "id:gt:2"}});
  EXPECT_EQ(none["rows"].size(), 0U);
  EXPECT_EQ(none["total"], 4);
  EXPECT_TRUE(none["next_cursor"].is_string());
  const json beyond = RunJson(info_, {{"offset", "100"}});
  EXPECT_EQ(beyond["rows"].size(), 0U);
  EXPECT_EQ(beyond["total"], 6);
}

TEST_F(PeopleTest, ETagsFollowTheNormalisedQuery) {
  const auto etag = [this](const Params& params) {
    return QueryETag(info_.version, *ParseQuerySpec(params, info_));
  };
  const std::string base = etag({{"filter", "id:gt:1"}, {"filter", "name:eq:Ana"}});
  EXPECT_EQ(base.size(), 34U);
  EXPECT_EQ(base.front(), '"');
  EXPECT_EQ(base, etag({{"filter", "name:eq:Ana"}, {"filter", "id:gt:1"}, {"limit", "100"}}));
  EXPECT_EQ(etag({}), etag({{"select", "id,cpf,name,amount,active,born,seen,note"}}));
  EXPECT_NE(base, etag({{"filter", "id:gt:2"}, {"filter", "name:eq:Ana"}}));
  EXPECT_NE(etag({}), etag({{"offset", "1"}}));
  EXPECT_NE(etag({}), etag({{"format", "csv"}}));
  EXPECT_NE(etag({}), etag({{"types", "typed"}}));
  EXPECT_NE(etag({}), etag({{"select", "id"}}));
  EXPECT_NE(QueryETag("v1", *ParseQuerySpec({}, info_)),
            QueryETag("v2", *ParseQuerySpec({}, info_)));
  // A cursor is its offset.
  const json page = RunJson(info_, {{"limit", "2"}});
  EXPECT_EQ(etag({{"limit", "2"}, {"cursor", page["next_cursor"].get<std::string>()}}),
            etag({{"limit", "2"}, {"offset", "2"}}));
}

TEST(DatasetQueryTest, JsonEscapesEverythingAndReplacesInvalidUtf8) {
  const testing::TempDir dir;
  formats::CsvOptions options;
  DatasetFile file(dir, "esc",
                   {{"id", ColumnType::kText, ""}, {"we\"ird\n", ColumnType::kText, ""}}, options);
  const std::string nasty = std::string("q\"b\\s/\n\r\t\b\f\x01\x1f\x7f") + '\0' +
                            "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" +  // é € 😀
                            "\xFF\xC3(\xED\xA0\x80\xF4\x90\x80\x80\xE2\x82";
  const DatasetInfo info = file.Write({{"1", nasty}});
  auto out = RunQuery(info, {});
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->find("\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\\u0000"), std::string::npos)
      << *out;
  const json result = json::parse(*out);  // throws on invalid UTF-8 or bad escapes
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(result["rows"][0]["we\"ird\n"], std::string("q\"b\\s/\n\r\t\b\f\x01\x1f\x7f") + '\0' +
                                                "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" + fffd +
                                                fffd + "(" + fffd + fffd + fffd + fffd + fffd +
                                                fffd + fffd + fffd + fffd);
  EXPECT_EQ(result["columns"][1]["name"], "we\"ird\n");
  auto ndjson = RunQuery(info, {{"format", "ndjson"}});
  ASSERT_TRUE(ndjson.ok());
  EXPECT_EQ(json::parse(*ndjson)["we\"ird\n"], result["rows"][0]["we\"ird\n"]);
  auto csv = RunQuery(info, {{"format", "csv"}});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->find("\xFF"), std::string::npos);
  EXPECT_EQ(csv->rfind("id,\"we\"\"ird\n\"\r\n", 0), 0U) << *csv;
}

// A larger dataset: pages must equal slices of the whole result, with or without the index,
// plain or gzip, with filters and sort.
class PagingTest : public ::testing::TestWithParam<std::tuple<bool, bool>> {};

TEST_P(PagingTest, PagesEqualSlicesOfTheWholeResult) {
  const auto [gzip, with_index] = GetParam();
  const testing::TempDir dir;
  formats::CsvOptions options;
  options.gzip = gzip;
  options.encoding = formats::CsvEncoding::kUtf8Bom;
  DatasetFile file(dir, "big",
                   {{"id", ColumnType::kInteger, ""},
                    {"group", ColumnType::kText, ""},
                    {"text", ColumnType::kText, ""}},
                   options);
  std::vector<Cells> rows;
  rows.reserve(2600);
  for (int i = 0; i < 2600; ++i) {
    rows.push_back({std::to_string(i), "g" + std::to_string(i * 7 % 13),
                    i % 11 == 0 ? std::optional<std::string>() : "line\r\n" + std::to_string(i)});
  }
  const DatasetInfo info = file.Write(rows, 256, with_index);

  const auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  };
  for (const Params& query : std::vector<Params>{{},
                                                 {{"filter", "group:in:g1|g5|g12"}},
                                                 {{"sort", "group,-id"}},
                                                 {{"sort", "-text"}, {"filter", "id:ge:100"}}}) {
    Params all_params = query;
    all_params.emplace("format", "ndjson");
    all_params.emplace("limit", "all");
    auto all = RunQuery(info, all_params);
    ASSERT_TRUE(all.ok()) << all.error().message;
    const std::vector<std::string> whole = lines(*all);
    if (query.empty()) {
      ASSERT_EQ(whole.size(), 2600U);
    }
    for (const std::uint64_t offset : {0, 1, 255, 256, 257, 1000, 2599, 2600}) {
      for (const std::uint64_t limit : {0, 1, 7, 600}) {
        Params page_params = query;
        page_params.emplace("format", "ndjson");
        page_params.emplace("offset", std::to_string(offset));
        page_params.emplace("limit", std::to_string(limit));
        auto page = RunQuery(info, page_params);
        ASSERT_TRUE(page.ok()) << page.error().message;
        const std::size_t begin = std::min<std::size_t>(offset, whole.size());
        const std::size_t end = std::min<std::size_t>(offset + limit, whole.size());
        EXPECT_EQ(lines(*page),
                  std::vector<std::string>(whole.begin() + begin, whole.begin() + end))
            << "offset " << offset << " limit " << limit;
      }
    }
  }
  // The sorted whole, checked against a sort done here.
  auto sorted = RunQuery(info, {{"sort", "group,-id"},
                                {"limit", "3"},
                                {"types", "typed"},
                                {"select", "id"},
                                {"format", "csv"}});
  ASSERT_TRUE(sorted.ok());
  EXPECT_EQ(*sorted, "id\r\n2587\r\n2574\r\n2561\r\n");
}

INSTANTIATE_TEST_SUITE_P(PlainGzipIndexed, PagingTest,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()));

TEST(DatasetQueryTest, ChunksAreBoundedAndConcatenateToTheWhole) {
  const testing::TempDir dir;
  DatasetFile file(dir, "chunks", {{"n", ColumnType::kInteger, ""}}, formats::CsvOptions());
  std::vector<Cells> rows;
  rows.reserve(3000);
  for (int i = 0; i < 3000; ++i) rows.push_back({std::to_string(i)});
  const DatasetInfo info = file.Write(rows);
  const QuerySpec spec = *ParseQuerySpec({{"limit", "all"}}, info);
  QueryLimits limits;
  limits.chunk_bytes = 1000;
  auto output = OpenQuery(info, spec, limits);
  ASSERT_TRUE(output.ok());
  EXPECT_EQ((*output)->content_type(), "application/json");
  std::string whole;
  std::string chunk;
  int chunks = 0;
  while (*(*output)->Next(chunk)) {
    EXPECT_FALSE(chunk.empty());
    EXPECT_LT(chunk.size(), 1100U);
    whole += chunk;
    ++chunks;
  }
  EXPECT_TRUE(chunk.empty());
  EXPECT_FALSE(*(*output)->Next(chunk));
  EXPECT_GT(chunks, 20);
  EXPECT_EQ(whole, *RenderQuery(info, spec));
  EXPECT_EQ((*output)->total(), 3000U);
  EXPECT_FALSE((*output)->next_cursor().has_value());

  // Known before any output, except for filters without a sort.
  auto page = OpenQuery(info, *ParseQuerySpec({{"limit", "10"}, {"sort", "-n"}}, info));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ((*page)->total(), 3000U);
  EXPECT_TRUE((*page)->next_cursor().has_value());
  auto filtered = OpenQuery(info, *ParseQuerySpec({{"limit", "10"}, {"filter", "n:lt:15"}}, info));
  ASSERT_TRUE(filtered.ok());
  while (*(*filtered)->Next(chunk)) {
  }
  EXPECT_EQ((*filtered)->total(), 15U);
  EXPECT_TRUE((*filtered)->next_cursor().has_value());
  EXPECT_EQ(json::parse(whole)["rows"].size(), 3000U);
}

TEST(DatasetQueryTest, Windows1252DatasetIsServedAsUtf8) {
  const testing::TempDir dir;
  formats::CsvOptions options;
  options.encoding = formats::CsvEncoding::kWindows1252;
  options.delimiter = ';';
  DatasetFile file(dir, "latin", {{"cidade", ColumnType::kText, ""}}, options);
  const DatasetInfo info = file.Write({{"S\xC3\xA3o Paulo"}, {"Bras\xC3\xADlia \xE2\x82\xAC"}});
  const json result = RunJson(info, {{"filter", "cidade:starts_with:S\xC3\xA3o"}});
  ASSERT_EQ(result["rows"].size(), 1U);
  EXPECT_EQ(result["rows"][0]["cidade"], "S\xC3\xA3o Paulo");
  auto csv = RunQuery(info, {{"format", "csv"}});
  EXPECT_EQ(*csv, "cidade\r\nS\xC3\xA3o Paulo\r\nBras\xC3\xADlia \xE2\x82\xAC\r\n");
}

// The default formats end in %.f: a fraction when the value had one, nothing otherwise.
TEST(DatasetQueryTest, DefaultFormatsKeepFractions) {
  const testing::TempDir dir;
  DatasetFile file(dir, "clock",
                   {{"id", ColumnType::kInteger, ""},
                    {"at", ColumnType::kTimestamp, ""},
                    {"hour", ColumnType::kTime, ""}},
                   formats::CsvOptions{});
  const DatasetInfo info = file.Write({{"1", "2024-02-01 09:30:00", "08:00:00"},
                                       {"2", "2024-02-01 09:30:00.25", "08:00:00.000001"},
                                       {"3", "2024-02-01 09:30:01", "24:00:00"}});
  const json typed = RunJson(info, {{"types", "typed"}});
  EXPECT_EQ(typed["rows"][0]["at"], "2024-02-01 09:30:00");
  EXPECT_EQ(typed["rows"][1]["at"], "2024-02-01 09:30:00.25");
  EXPECT_EQ(typed["rows"][1]["hour"], "08:00:00.000001");
  using V = std::vector<std::string>;
  EXPECT_EQ(IdsOf(info, {{"filter", "at:gt:2024-02-01 09:30:00"}}), (V{"2", "3"}));
  EXPECT_EQ(IdsOf(info, {{"filter", "at:lt:2024-02-01 09:30:00.5"}}), (V{"1", "2"}));
  EXPECT_EQ(IdsOf(info, {{"filter", "hour:gt:08:00:00"}}), (V{"2", "3"}));
  EXPECT_EQ(IdsOf(info, {{"sort", "-hour"}}), (V{"3", "2", "1"}));
}

TEST(DatasetQueryTest, NonEmptyNullText) {
  const testing::TempDir dir;
  formats::CsvOptions options;
  options.null_text = "NULL";
  DatasetFile file(dir, "nulls", {{"a", ColumnType::kText, ""}, {"b", ColumnType::kInteger, ""}},
                   options);
  const DatasetInfo info = file.Write({{std::nullopt, "1"}, {"NULL", std::nullopt}, {"", "2"}});
  const json result = RunJson(info, {});
  EXPECT_TRUE(result["rows"][0]["a"].is_null());
  EXPECT_EQ(result["rows"][1]["a"], "NULL");  // quoted in the file: a value
  EXPECT_TRUE(result["rows"][1]["b"].is_null());
  EXPECT_EQ(result["rows"][2]["a"], "");
  EXPECT_EQ(RunJson(info, {{"filter", "a:is_null:true"}})["total"], 1);
}

TEST(DatasetQueryTest, BrokenFilesAndIndexesAreInternalErrors) {
  const testing::TempDir dir;
  DatasetFile file(dir, "broken", {{"a", ColumnType::kText, ""}, {"b", ColumnType::kText, ""}},
                   formats::CsvOptions());
  DatasetInfo info = file.Write({{"1", "x"}, {"2", "y"}});
  { std::ofstream(info.csv_path, std::ios::binary | std::ios::app) << "3,\"unterminated\n"; }
  // The index no longer matches the file's size.
  auto open = OpenQuery(info, *ParseQuerySpec({}, info));
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().code, ErrorCode::kInternal);
  EXPECT_NE(open.error().message.find("does not match"), std::string::npos);
  // Without the index, the bad row is found while streaming.
  info.index_path.clear();
  info.total_rows = 3;
  auto output = OpenQuery(info, *ParseQuerySpec({}, info));
  ASSERT_TRUE(output.ok());
  std::string chunk;
  auto next = (*output)->Next(chunk);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().code, ErrorCode::kInternal);
  EXPECT_NE(next.error().message.find("data row 3"), std::string::npos) << next.error().message;
  EXPECT_FALSE((*output)->Next(chunk).ok());
  // A sort finds it before any output.
  auto sorted = OpenQuery(info, *ParseQuerySpec({{"sort", "a"}}, info));
  ASSERT_FALSE(sorted.ok());
  EXPECT_EQ(sorted.error().code, ErrorCode::kInternal);
  // A record with the wrong number of fields.
  std::ofstream(info.csv_path, std::ios::binary | std::ios::trunc) << "a,b\n1,x\n2\n";
  auto short_row = RenderQuery(info, *ParseQuerySpec({}, info));
  ASSERT_FALSE(short_row.ok());
  EXPECT_NE(short_row.error().message.find("data row 2 has 1 fields"), std::string::npos);
  // A missing file.
  info.csv_path = (dir.path() / "gone.csv").string();
  EXPECT_EQ(OpenQuery(info, *ParseQuerySpec({}, info)).error().code, ErrorCode::kInternal);
}

TEST(DatasetQueryTest, SortMemoryIsCapped) {
  const testing::TempDir dir;
  DatasetFile file(dir, "cap", {{"k", ColumnType::kText, ""}}, formats::CsvOptions());
  std::vector<Cells> rows;
  rows.reserve(20'000);
  for (int i = 0; i < 20'000; ++i) {
    rows.push_back({std::string(40, static_cast<char>('a' + i % 26))});
  }
  const DatasetInfo info = file.Write(rows);
  QueryLimits limits;
  limits.max_sort_bytes = std::size_t{256} * 1024;
  // A small page keeps only offset + limit candidates: fine.
  EXPECT_TRUE(
      OpenQuery(info, *ParseQuerySpec({{"sort", "k"}, {"limit", "10"}}, info), limits).ok());
  auto all = OpenQuery(info, *ParseQuerySpec({{"sort", "k"}, {"limit", "all"}}, info), limits);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(all.error().details["field"], "sort");
}

TEST(DatasetQueryTest, ReadsWhatTheCsvWriterWrites) {
  const testing::TempDir dir;
  for (const bool gzip : {false, true}) {
    formats::CsvOptions options;
    options.delimiter = ';';
    options.decimal_separator = ',';
    options.date_format = "%d/%m/%Y";
    options.gzip = gzip;
    options.encoding = formats::CsvEncoding::kUtf8Bom;
    const std::vector<rows::Column> columns = {{"id", ColumnType::kInteger, ""},
                                               {"price", ColumnType::kNumber, ""},
                                               {"day", ColumnType::kDate, ""},
                                               {"label", ColumnType::kText, ""}};
    formats::MemorySink sink;
    formats::CsvWriter writer(sink, options);
    ASSERT_TRUE(writer.Begin(columns).ok());
    RowIndexBuilder builder;
    for (int i = 0; i < 3000; ++i) {
      if (i % 1024 == 0) {
        auto at = writer.SyncPoint();
        ASSERT_TRUE(at.ok()) << at.error().message;
        ASSERT_TRUE(builder.Add({at->row, at->raw_offset, at->file_offset}).ok());
      }
      const std::string id = std::to_string(i);
      const std::string price = std::to_string(i) + ".25";
      const std::string label = i % 5 == 0 ? "" : "x;\"" + id;
      const std::vector<rows::Cell> cells = {
          rows::Cell::Of(id), rows::Cell::Of(price), rows::Cell::Of("2024-03-09"),
          i % 7 == 0 ? rows::Cell::Null() : rows::Cell::Of(label)};
      ASSERT_TRUE(writer.Row(cells).ok());
    }
    ASSERT_TRUE(writer.Finish().ok());
    DatasetInfo info;
    info.name = "written";
    info.version = "v";
    info.csv_path = (dir.path() / (gzip ? "w.csv.gz" : "w.csv")).string();
    info.index_path = info.csv_path + ".idx";
    info.options = options;
    info.columns = columns;
    info.total_rows = 3000;
    std::ofstream(info.csv_path, std::ios::binary) << sink.data();
    ASSERT_TRUE(builder
                    .FinishToFile({.rows = 3000,
                                   .columns = 4,
                                   .header = true,
                                   .gzip = gzip,
                                   .raw_size = writer.bytes_written(),
                                   .file_size = writer.file_bytes_written()},
                                  info.index_path)
                    .ok());
    const json page = RunJson(info, {{"offset", "2050"}, {"limit", "3"}, {"types", "typed"}});
    ASSERT_EQ(page["rows"].size(), 3U);
    EXPECT_EQ(page["rows"][0],
              (json{{"id", 2050}, {"price", 2050.25}, {"day", "2024-03-09"}, {"label", ""}}));
    EXPECT_TRUE(page["rows"][1]["label"].is_null());  // 2051 = 7 * 293
    EXPECT_EQ(page["rows"][2]["label"], "x;\"2052");
    EXPECT_EQ(IdsOf(info, {{"filter", "price:ge:2998,25"}}).size(), 2U);
    const json low = RunJson(info, {{"filter", "day:eq:09/03/2024"}, {"limit", "0"}});
    EXPECT_EQ(low["total"], 3000);
  }
}

}  // namespace
}  // namespace batuta::datasets
