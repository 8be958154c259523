#include "formats/csv_options.h"

#include <array>
#include <cstdio>
#include <functional>
#include <utility>
#include <vector>

#include "formats/datetime_format.h"
#include "formats/text_encoding.h"

namespace batuta::formats {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::pair<CsvEncoding, std::string_view>, 3> kEncodings{{
    {CsvEncoding::kUtf8, "utf-8"},
    {CsvEncoding::kUtf8Bom, "utf-8-bom"},
    {CsvEncoding::kWindows1252, "windows-1252"},
}};

std::string FieldName(std::string_view prefix, std::string_view name) {
  if (prefix.empty()) return std::string(name);
  std::string field(prefix);
  field += '.';
  field += name;
  return field;
}

// A character for messages: "\";\"", "CR", "tab".
std::string Describe(char c) {
  switch (c) {
    case '\r':
      return "CR";
    case '\n':
      return "LF";
    case '\t':
      return "tab";
    case '\0':
      return "NUL";
    default:
      return Json(std::string(1, c)).dump();
  }
}

bool IsAscii(char c) { return static_cast<unsigned char>(c) < 0x80; }

Error Invalid(const std::string& field, std::string_view what) {
  return Error::Validation(field, field + " " + std::string(what));
}

// Parsers of one JSON value into a field of CsvOptions; `field` is the full field name.
using FieldParser = std::function<Status(const Json&, const std::string& field, CsvOptions&)>;

Status ParseString(const Json& value, const std::string& field, std::string& out) {
  if (!value.is_string()) return Invalid(field, "must be a string");
  out = value.get<std::string>();
  return Ok();
}

Status ParseBool(const Json& value, const std::string& field, bool& out) {
  if (!value.is_boolean()) return Invalid(field, "must be true or false");
  out = value.get<bool>();
  return Ok();
}

Status ParseChar(const Json& value, const std::string& field, char& out) {
  if (!value.is_string() || value.get_ref<const std::string&>().size() != 1) {
    return Invalid(field, "must be a string of one ASCII character");
  }
  out = value.get_ref<const std::string&>()[0];
  return Ok();
}

template <typename Enum, std::size_t N>
Status ParseEnum(const Json& value, const std::string& field,
                 const std::array<std::pair<Enum, std::string_view>, N>& names, Enum& out) {
  std::string expected;
  for (const auto& [item, name] : names) {
    if (value.is_string() && value.get_ref<const std::string&>() == name) {
      out = item;
      return Ok();
    }
    if (!expected.empty()) expected += ", ";
    expected += '"';
    expected += name;
    expected += '"';
  }
  return Invalid(field, "must be one of " + expected);
}

const std::vector<std::pair<std::string_view, FieldParser>>& FieldParsers() {
  static const auto* const kParsers = new std::vector<std::pair<std::string_view, FieldParser>>{
      {"delimiter",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseChar(v, f, o.delimiter);
       }},
      {"quote",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseChar(v, f, o.quote);
       }},
      {"header",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseBool(v, f, o.header);
       }},
      {"line_ending",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         constexpr std::array<std::pair<int, std::string_view>, 2> kNames{{{0, "crlf"}, {1, "lf"}}};
         int which = 0;
         BATUTA_RETURN_IF_ERROR(ParseEnum(v, f, kNames, which));
         o.line_ending = which == 0 ? "\r\n" : "\n";
         return Ok();
       }},
      {"encoding",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseEnum(v, f, kEncodings, o.encoding);
       }},
      {"on_unmappable",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         constexpr std::array<std::pair<OnUnmappable, std::string_view>, 2> kNames{
             {{OnUnmappable::kFail, "fail"}, {OnUnmappable::kReplace, "replace"}}};
         return ParseEnum(v, f, kNames, o.on_unmappable);
       }},
      {"decimal_separator",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         if (!v.is_string() || (v != "." && v != ",")) return Invalid(f, "must be \".\" or \",\"");
         o.decimal_separator = v.get_ref<const std::string&>()[0];
         return Ok();
       }},
      {"date_format",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseString(v, f, o.date_format);
       }},
      {"time_format",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseString(v, f, o.time_format);
       }},
      {"timestamp_format",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseString(v, f, o.timestamp_format);
       }},
      {"null_text",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseString(v, f, o.null_text);
       }},
      {"gzip",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseBool(v, f, o.gzip);
       }},
      {"formula_guard",
       [](const Json& v, const std::string& f, CsvOptions& o) -> Status {
         return ParseBool(v, f, o.formula_guard);
       }},
  };
  return *kParsers;
}

Status ValidateFormat(const std::string& format, DateTimeFormat::Kind kind,
                      const std::string& field) {
  auto compiled = DateTimeFormat::Compile(format, kind);
  if (!compiled.ok()) return Invalid(field, compiled.error().message);
  return Ok();
}

}  // namespace

std::string_view CsvEncodingName(CsvEncoding encoding) {
  for (const auto& [value, name] : kEncodings) {
    if (value == encoding) return name;
  }
  return "utf-8";
}

Result<CsvOptions> CsvPreset(std::string_view name, std::string_view field_prefix) {
  CsvOptions options;
  if (name == "rfc4180") return options;
  if (name == "excel_br") {
    options.preset = "excel_br";
    options.delimiter = ';';
    options.decimal_separator = ',';
    options.encoding = CsvEncoding::kUtf8Bom;
    options.line_ending = "\r\n";
    options.formula_guard = true;
    options.date_format = "%d/%m/%Y";
    options.time_format = "%H:%M:%S";
    options.timestamp_format = "%d/%m/%Y %H:%M:%S";
    return options;
  }
  return Invalid(FieldName(field_prefix, "preset"),
                 "must be \"rfc4180\" or \"excel_br\", not " + Json(std::string(name)).dump());
}

Result<CsvOptions> ParseCsvOptions(const nlohmann::json& json, std::string_view field_prefix) {
  if (json.is_null()) return CsvOptions{};
  if (!json.is_object()) {
    const std::string field(field_prefix.empty() ? "csv" : field_prefix);
    return Invalid(field, "must be an object");
  }
  CsvOptions options;
  if (const auto preset = json.find("preset"); preset != json.end()) {
    if (!preset->is_string()) return Invalid(FieldName(field_prefix, "preset"), "must be a string");
    auto base = CsvPreset(preset->get_ref<const std::string&>(), field_prefix);
    if (!base.ok()) return std::move(base).error();
    options = std::move(base).value();
  }
  const auto& parsers = FieldParsers();
  for (const auto& [key, value] : json.items()) {
    if (key == "preset") continue;
    const std::string field = FieldName(field_prefix, key);
    bool known = false;
    for (const auto& [name, parser] : parsers) {
      if (name != key) continue;
      known = true;
      BATUTA_RETURN_IF_ERROR(parser(value, field, options));
      break;
    }
    if (!known) return Invalid(field, "is not a CSV option");
  }
  BATUTA_RETURN_IF_ERROR(ValidateCsvOptions(options, field_prefix));
  return options;
}

Status ValidateCsvOptions(const CsvOptions& options, std::string_view field_prefix) {
  const auto field = [field_prefix](std::string_view name) {
    return FieldName(field_prefix, name);
  };
  if (options.preset != "rfc4180" && options.preset != "excel_br") {
    return Invalid(field("preset"), "must be \"rfc4180\" or \"excel_br\"");
  }
  const char delimiter = options.delimiter;
  if (!IsAscii(delimiter) || delimiter == '\r' || delimiter == '\n' || delimiter == '\0') {
    return Invalid(field("delimiter"), "must be one ASCII character other than CR, LF and NUL");
  }
  if (!IsAscii(options.quote) || options.quote == '\r' || options.quote == '\n' ||
      options.quote == '\0') {
    return Invalid(field("quote"), "must be one ASCII character other than CR, LF and NUL");
  }
  if (delimiter == options.quote) {
    return Invalid(field("delimiter"), Describe(delimiter) + " is also the quote character");
  }
  if (options.decimal_separator != '.' && options.decimal_separator != ',') {
    return Invalid(field("decimal_separator"), "must be \".\" or \",\"");
  }
  if (delimiter == options.decimal_separator) {
    return Invalid(field("delimiter"), Describe(delimiter) +
                                           " is also the decimal separator (change delimiter "
                                           "or decimal_separator)");
  }
  if (options.quote == options.decimal_separator) {
    return Invalid(field("quote"), Describe(options.quote) + " is also the decimal separator");
  }
  if (options.line_ending != "\r\n" && options.line_ending != "\n") {
    return Invalid(field("line_ending"), "must be \"crlf\" or \"lf\"");
  }
  BATUTA_RETURN_IF_ERROR(
      ValidateFormat(options.date_format, DateTimeFormat::Kind::kDate, field("date_format")));
  BATUTA_RETURN_IF_ERROR(
      ValidateFormat(options.time_format, DateTimeFormat::Kind::kTime, field("time_format")));
  BATUTA_RETURN_IF_ERROR(ValidateFormat(options.timestamp_format, DateTimeFormat::Kind::kTimestamp,
                                        field("timestamp_format")));
  const std::string& null_text = options.null_text;
  if (!IsValidUtf8(null_text)) return Invalid(field("null_text"), "is not valid UTF-8");
  for (const char c : null_text) {
    if (c == delimiter || c == options.quote || c == '\r' || c == '\n') {
      return Invalid(field("null_text"), "may not contain " + Describe(c) +
                                             " (the delimiter, the quote, CR and LF would "
                                             "need quoting)");
    }
  }
  if (options.encoding == CsvEncoding::kWindows1252) {
    const std::string_view text = null_text;
    for (std::size_t i = 0; i < text.size();) {
      const Utf8Step step = DecodeUtf8(text.substr(i));
      if (Windows1252FromCodePoint(step.code_point) < 0) {
        char code[16];
        std::snprintf(code, sizeof(code), "U+%04X", static_cast<unsigned>(step.code_point));
        return Invalid(field("null_text"),
                       "has the character " + std::string(code) + ", which windows-1252 lacks");
      }
      i += step.length;
    }
  }
  return Ok();
}

nlohmann::json CsvOptionsToJson(const CsvOptions& options) {
  return Json{
      {"preset", options.preset},
      {"delimiter", std::string(1, options.delimiter)},
      {"quote", std::string(1, options.quote)},
      {"header", options.header},
      {"line_ending", options.line_ending == "\n" ? "lf" : "crlf"},
      {"encoding", CsvEncodingName(options.encoding)},
      {"on_unmappable", options.on_unmappable == OnUnmappable::kReplace ? "replace" : "fail"},
      {"decimal_separator", std::string(1, options.decimal_separator)},
      {"date_format", options.date_format},
      {"time_format", options.time_format},
      {"timestamp_format", options.timestamp_format},
      {"null_text", options.null_text},
      {"gzip", options.gzip},
      {"formula_guard", options.formula_guard},
  };
}

}  // namespace batuta::formats
