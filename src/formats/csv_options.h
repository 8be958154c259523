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

// "utf-8", "utf-8-bom", "windows-1252" (the JSON names).
std::string_view CsvEncodingName(CsvEncoding encoding);

// What to do with a value that cannot be written in the chosen encoding: a character
// windows-1252 lacks, or bytes that are not valid UTF-8 (text cells are UTF-8 by contract, but
// sources do not guarantee it).
enum class OnUnmappable {
  kFail,     // the export fails naming the row (1-based data row) and column
  kReplace,  // written as '?' in windows-1252; in UTF-8, each ill-formed sequence becomes U+FFFD
};

// How a CSV file is written (and read back by the data API). JSON form, all fields optional:
//   {"preset": "rfc4180" | "excel_br",
//    "delimiter": ";", "quote": "\"", "header": true, "line_ending": "crlf" | "lf",
//    "encoding": "utf-8" | "utf-8-bom" | "windows-1252", "on_unmappable": "fail" | "replace",
//    "decimal_separator": "." | ",", "date_format": "%d/%m/%Y", "time_format": "%H:%M:%S",
//    "timestamp_format": "%d/%m/%Y %H:%M:%S", "null_text": "", "gzip": false,
//    "formula_guard": true}
// The preset is applied first; explicit fields override it. "rfc4180" is the defaults below;
// "excel_br" is ';', decimal ',', utf-8-bom, CRLF, formula_guard, "%d/%m/%Y" dates,
// "%H:%M:%S" times and "%d/%m/%Y %H:%M:%S" timestamps (whole seconds: what Excel shows). Formats
// use %Y %m %d (date and timestamp), %H %M %S, %f and %.f (time and timestamp; %f is the
// fraction as the database gave it, without its dot, empty when there is none; %.f is it with
// its dot, or nothing) and %% ; anything else is literal.
struct CsvOptions {
  std::string preset = "rfc4180";
  char delimiter = ',';
  char quote = '"';
  bool header = true;
  std::string line_ending = "\r\n";  // "\r\n" or "\n"
  CsvEncoding encoding = CsvEncoding::kUtf8;
  OnUnmappable on_unmappable = OnUnmappable::kFail;
  char decimal_separator = '.';
  std::string date_format = "%Y-%m-%d";
  // The defaults keep a fraction the database gave (and add none): no digit is lost.
  std::string time_format = "%H:%M:%S%.f";
  std::string timestamp_format = "%Y-%m-%d %H:%M:%S%.f";
  // Written, never quoted, for a NULL cell. A non-NULL value whose field would read the same is
  // quoted, so "an unquoted field equal to null_text" means NULL exactly (with the default "",
  // an empty string is written as "" and NULL as nothing). May not contain the delimiter, the
  // quote, CR or LF; must be valid UTF-8.
  std::string null_text;
  bool gzip = false;
  // Text cells starting with = + - @ tab or CR are prefixed with ' so a spreadsheet does not
  // evaluate them (OWASP "CSV injection"). Numeric cells are never altered.
  bool formula_guard = false;

  bool operator==(const CsvOptions&) const = default;
};

// The options of a preset ("rfc4180", "excel_br"); kValidation naming "<field_prefix>.preset"
// for another name.
Result<CsvOptions> CsvPreset(std::string_view name, std::string_view field_prefix);

// Parses the JSON form (null counts as {}). kValidation naming the field as
// "<field_prefix>.<name>" (for example "config.csv.delimiter") in details.field and in the
// message when a value is not acceptable: unknown preset or field, a value of the wrong JSON
// type, anything ValidateCsvOptions refuses.
Result<CsvOptions> ParseCsvOptions(const nlohmann::json& json, std::string_view field_prefix);

// Checks options however they were built (the writer calls it in Begin): a delimiter that is
// the quote, CR, LF, NUL or not one ASCII character; a quote that is CR, LF, NUL, non-ASCII or the
// decimal separator; equal delimiter and decimal separator; a decimal separator other than
// '.' and ','; a line ending other than CRLF and LF; an empty format or an unknown %
// directive; an unknown preset; a null_text that is not valid UTF-8, contains the delimiter,
// the quote, CR or LF, or has a character the encoding cannot write.
Status ValidateCsvOptions(const CsvOptions& options, std::string_view field_prefix);

// The complete form (every field, preset included), as stored with each artifact;
// ParseCsvOptions(CsvOptionsToJson(o)) == o.
nlohmann::json CsvOptionsToJson(const CsvOptions& options);

}  // namespace batuta::formats
