#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"

namespace batuta::formats {

enum class CsvEncoding {
  kUtf8,
  kUtf8Bom,      // UTF-8 preceded by EF BB BF, so Excel recognises it
  kWindows1252,  // what Excel on Windows in Brazil opens by default
};

// What to do with a character the chosen encoding cannot represent.
enum class OnUnmappable {
  kFail,     // the export fails naming the row (1-based data row) and column
  kReplace,  // written as '?'
};

// How a CSV file is written (and read back by the data API). JSON form, all fields optional:
//   {"preset": "rfc4180" | "excel_br",
//    "delimiter": ";", "quote": "\"", "header": true, "line_ending": "crlf" | "lf",
//    "encoding": "utf-8" | "utf-8-bom" | "windows-1252", "on_unmappable": "fail" | "replace",
//    "decimal_separator": "." | ",", "date_format": "%d/%m/%Y", "time_format": "%H:%M:%S",
//    "timestamp_format": "%d/%m/%Y %H:%M:%S", "null_text": "", "gzip": false,
//    "formula_guard": true}
// The preset is applied first; explicit fields override it. Formats use %Y %m %d %H %M %S,
// %f (the fraction as the database gave it, without its dot) and %% ; anything else is literal.
struct CsvOptions {
  std::string preset = "rfc4180";
  char delimiter = ',';
  char quote = '"';
  bool header = true;
  std::string line_ending = "\r\n";
  CsvEncoding encoding = CsvEncoding::kUtf8;
  OnUnmappable on_unmappable = OnUnmappable::kFail;
  char decimal_separator = '.';
  std::string date_format = "%Y-%m-%d";
  std::string time_format = "%H:%M:%S";
  std::string timestamp_format = "%Y-%m-%d %H:%M:%S";
  std::string null_text;
  bool gzip = false;
  // Text cells starting with = + - @ tab or CR are prefixed with ' so a spreadsheet does not
  // evaluate them (OWASP "CSV injection"). Numeric cells are never altered.
  bool formula_guard = false;
};

// Parses the JSON form. kValidation naming the field as "<field_prefix>.<name>" (for example
// "config.csv.delimiter") when a value is not acceptable: unknown preset or field, a delimiter
// that is a quote, CR, LF or not one ASCII character, equal delimiter and decimal separator,
// an unknown % directive.
Result<CsvOptions> ParseCsvOptions(const nlohmann::json& json, std::string_view field_prefix);
// The complete form (every field, preset included), as stored with each artifact.
nlohmann::json CsvOptionsToJson(const CsvOptions& options);

}  // namespace batuta::formats
