#include "formats/csv_options.h"

#include <gtest/gtest.h>

#include <string>

namespace batuta::formats {
namespace {

using Json = nlohmann::json;

// The field an invalid form is refused for (details.field), checking the message names it.
std::string RefusedField(const Json& json) {
  auto parsed = ParseCsvOptions(json, "config.csv");
  if (parsed.ok()) return "accepted";
  EXPECT_EQ(parsed.error().code, ErrorCode::kValidation);
  std::string field = parsed.error().details.value("field", "");
  EXPECT_NE(parsed.error().message.find(field), std::string::npos) << parsed.error().message;
  return field;
}

TEST(ParseCsvOptions, EmptyFormIsRfc4180) {
  auto options = ParseCsvOptions(Json::object(), "config.csv");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(*options, CsvOptions{});
  auto from_null = ParseCsvOptions(Json(), "config.csv");
  ASSERT_TRUE(from_null.ok());
  EXPECT_EQ(*from_null, CsvOptions{});
  auto named = ParseCsvOptions(Json{{"preset", "rfc4180"}}, "config.csv");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(*named, CsvOptions{});
}

TEST(ParseCsvOptions, ExcelBrPreset) {
  auto options = ParseCsvOptions(Json{{"preset", "excel_br"}}, "config.csv");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->preset, "excel_br");
  EXPECT_EQ(options->delimiter, ';');
  EXPECT_EQ(options->decimal_separator, ',');
  EXPECT_EQ(options->encoding, CsvEncoding::kUtf8Bom);
  EXPECT_EQ(options->line_ending, "\r\n");
  EXPECT_TRUE(options->formula_guard);
  EXPECT_EQ(options->date_format, "%d/%m/%Y");
  EXPECT_EQ(options->time_format, "%H:%M:%S");
  EXPECT_EQ(options->timestamp_format, "%d/%m/%Y %H:%M:%S");
  EXPECT_TRUE(options->header);
  EXPECT_FALSE(options->gzip);
}

TEST(ParseCsvOptions, ExplicitFieldsOverrideThePreset) {
  auto options = ParseCsvOptions(Json{{"preset", "excel_br"},
                                      {"encoding", "windows-1252"},
                                      {"formula_guard", false},
                                      {"line_ending", "lf"},
                                      {"on_unmappable", "replace"},
                                      {"delimiter", "\t"},
                                      {"quote", "'"},
                                      {"header", false},
                                      {"null_text", "NULL"},
                                      {"gzip", true},
                                      {"time_format", "%Hh%M"}},
                                 "config.csv");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->encoding, CsvEncoding::kWindows1252);
  EXPECT_FALSE(options->formula_guard);
  EXPECT_EQ(options->line_ending, "\n");
  EXPECT_EQ(options->on_unmappable, OnUnmappable::kReplace);
  EXPECT_EQ(options->delimiter, '\t');
  EXPECT_EQ(options->quote, '\'');
  EXPECT_FALSE(options->header);
  EXPECT_EQ(options->null_text, "NULL");
  EXPECT_TRUE(options->gzip);
  EXPECT_EQ(options->time_format, "%Hh%M");
  EXPECT_EQ(options->decimal_separator, ',');  // from the preset
}

TEST(ParseCsvOptions, EachErrorNamesItsField) {
  EXPECT_EQ(RefusedField(Json::array()), "config.csv");
  EXPECT_EQ(RefusedField({{"preset", "excel"}}), "config.csv.preset");
  EXPECT_EQ(RefusedField({{"preset", 1}}), "config.csv.preset");
  EXPECT_EQ(RefusedField({{"separator", ";"}}), "config.csv.separator");
  EXPECT_EQ(RefusedField({{"delimiter", ";;"}}), "config.csv.delimiter");
  EXPECT_EQ(RefusedField({{"delimiter", ""}}), "config.csv.delimiter");
  EXPECT_EQ(RefusedField({{"delimiter", "\xC3\xA9"}}), "config.csv.delimiter");
  EXPECT_EQ(RefusedField({{"delimiter", "\n"}}), "config.csv.delimiter");
  EXPECT_EQ(RefusedField({{"delimiter", "\r"}}), "config.csv.delimiter");
  EXPECT_EQ(RefusedField({{"delimiter", "\""}}), "config.csv.delimiter");
  EXPECT_EQ(RefusedField({{"delimiter", 59}}), "config.csv.delimiter");
  EXPECT_EQ(RefusedField({{"preset", "excel_br"}, {"delimiter", ","}}), "config.csv.delimiter");
  EXPECT_EQ(RefusedField({{"decimal_separator", ","}}), "config.csv.delimiter");
  EXPECT_EQ(RefusedField({{"quote", "\n"}}), "config.csv.quote");
  EXPECT_EQ(RefusedField({{"quote", ""}}), "config.csv.quote");
  EXPECT_EQ(RefusedField({{"quote", "."}}), "config.csv.quote");
  EXPECT_EQ(RefusedField({{"header", "yes"}}), "config.csv.header");
  EXPECT_EQ(RefusedField({{"line_ending", "cr"}}), "config.csv.line_ending");
  EXPECT_EQ(RefusedField({{"encoding", "latin1"}}), "config.csv.encoding");
  EXPECT_EQ(RefusedField({{"on_unmappable", "skip"}}), "config.csv.on_unmappable");
  EXPECT_EQ(RefusedField({{"decimal_separator", ";"}}), "config.csv.decimal_separator");
  EXPECT_EQ(RefusedField({{"date_format", "%d/%m/%y"}}), "config.csv.date_format");
  EXPECT_EQ(RefusedField({{"date_format", "%H"}}), "config.csv.date_format");
  EXPECT_EQ(RefusedField({{"date_format", ""}}), "config.csv.date_format");
  EXPECT_EQ(RefusedField({{"time_format", "%d"}}), "config.csv.time_format");
  EXPECT_EQ(RefusedField({{"time_format", 5}}), "config.csv.time_format");
  EXPECT_EQ(RefusedField({{"timestamp_format", "%Y %"}}), "config.csv.timestamp_format");
  EXPECT_EQ(RefusedField({{"null_text", "a,b"}}), "config.csv.null_text");
  EXPECT_EQ(RefusedField({{"null_text", "\"\""}}), "config.csv.null_text");
  EXPECT_EQ(RefusedField({{"null_text", "\n"}}), "config.csv.null_text");
  EXPECT_EQ(RefusedField({{"null_text", "\xE4\xB8\xAD"}, {"encoding", "windows-1252"}}),
            "config.csv.null_text");
  EXPECT_EQ(RefusedField({{"gzip", 1}}), "config.csv.gzip");
  EXPECT_EQ(RefusedField({{"formula_guard", nullptr}}), "config.csv.formula_guard");
}

TEST(ParseCsvOptions, MessagesSayWhatIsWrong) {
  auto parsed = ParseCsvOptions(Json{{"sep", ";"}}, "config.csv");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "config.csv.sep is not a CSV option");
  parsed = ParseCsvOptions(Json{{"preset", "excel_br"}, {"delimiter", ","}}, "config.csv");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            "config.csv.delimiter \",\" is also the decimal separator (change delimiter or "
            "decimal_separator)");
  parsed = ParseCsvOptions(Json{{"encoding", "latin1"}}, "config.csv");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            "config.csv.encoding must be one of \"utf-8\", \"utf-8-bom\", \"windows-1252\"");
  parsed = ParseCsvOptions(Json{{"delimiter", ";"}}, "");
  ASSERT_TRUE(parsed.ok());
  parsed = ParseCsvOptions(Json{{"delimiter", ";;"}}, "");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().details["field"], "delimiter");
}

TEST(ValidateCsvOptions, ChecksOptionsBuiltInCode) {
  CsvOptions options;
  EXPECT_TRUE(ValidateCsvOptions(options, "csv").ok());
  options.line_ending = "\r";
  EXPECT_EQ(ValidateCsvOptions(options, "csv").error().details["field"], "csv.line_ending");
  options = {};
  options.quote = ',';
  EXPECT_EQ(ValidateCsvOptions(options, "csv").error().details["field"], "csv.delimiter");
  options = {};
  options.delimiter = '\0';
  EXPECT_EQ(ValidateCsvOptions(options, "csv").error().details["field"], "csv.delimiter");
  options = {};
  options.null_text = "\xFF";
  EXPECT_EQ(ValidateCsvOptions(options, "csv").error().details["field"], "csv.null_text");
  options = {};
  options.preset = "mine";
  EXPECT_EQ(ValidateCsvOptions(options, "csv").error().details["field"], "csv.preset");
}

TEST(CsvOptionsToJson, IsCompleteAndParsesBack) {
  auto excel = CsvPreset("excel_br", "csv");
  ASSERT_TRUE(excel.ok());
  excel->gzip = true;
  excel->null_text = "n/a";
  excel->encoding = CsvEncoding::kWindows1252;
  excel->on_unmappable = OnUnmappable::kReplace;
  excel->line_ending = "\n";
  for (const CsvOptions& options : {CsvOptions{}, *excel}) {
    const Json json = CsvOptionsToJson(options);
    EXPECT_EQ(json.size(), 14U);
    auto parsed = ParseCsvOptions(json, "csv");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, options);
  }
  EXPECT_EQ(CsvOptionsToJson(CsvOptions{}),
            Json::parse(R"({"preset":"rfc4180","delimiter":",","quote":"\"","header":true,
              "line_ending":"crlf","encoding":"utf-8","on_unmappable":"fail",
              "decimal_separator":".","date_format":"%Y-%m-%d","time_format":"%H:%M:%S%.f",
              "timestamp_format":"%Y-%m-%d %H:%M:%S%.f","null_text":"","gzip":false,
              "formula_guard":false})"));
}

}  // namespace
}  // namespace batuta::formats
