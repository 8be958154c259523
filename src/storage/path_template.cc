#include "storage/path_template.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "storage/local_storage.h"

namespace batuta::storage {
namespace {

struct Token {
  bool placeholder = false;
  std::string text;  // literal text, or the placeholder's name
};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

Result<std::vector<Token>> Parse(std::string_view tmpl, std::string_view field) {
  const auto invalid = [&](std::string message) {
    return Error::Validation(std::string(field), std::move(message));
  };
  std::vector<Token> tokens;
  const auto literal = [&](char c) {
    if (tokens.empty() || tokens.back().placeholder) tokens.push_back({false, ""});
    tokens.back().text += c;
  };
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if (c == '}') {
      if (i + 1 < tmpl.size() && tmpl[i + 1] == '}') {
        literal('}');
        ++i;
        continue;
      }
      return invalid(
          fmt::format("unmatched '}}' at position {}; write }}}} for a literal brace", i + 1));
    }
    if (c != '{') {
      literal(c);
      continue;
    }
    if (i + 1 < tmpl.size() && tmpl[i + 1] == '{') {
      literal('{');
      ++i;
      continue;
    }
    const std::size_t close = tmpl.find('}', i + 1);
    if (close == std::string_view::npos) {
      return invalid(
          fmt::format("unclosed '{{' at position {}; write {{{{ for a literal brace", i + 1));
    }
    const std::string_view name = tmpl.substr(i + 1, close - i - 1);
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsNameChar)) {
      return invalid(fmt::format(
          "bad placeholder at position {}: a name between braces has letters, digits, '_', '.' "
          "or '-'; write {{{{ and }}}} for literal braces",
          i + 1));
    }
    tokens.push_back({true, std::string(name)});
    i = close;
  }
  return tokens;
}

// Checks the literal structure: relative, no bad characters, no empty / "." / ".." / reserved
// segment made of literal text only. Placeholders count as "some text".
Status CheckShape(std::string_view tmpl, const std::vector<Token>& tokens, std::string_view field) {
  const auto invalid = [&](std::string message) {
    return Error::Validation(std::string(field), std::move(message));
  };
  if (tmpl.empty()) return invalid("path template is empty");
  if (tmpl.front() == '/') {
    return invalid("path template must be relative to the storage folder, not absolute");
  }
  // Segments as (text so far, whether a placeholder is in it).
  struct Segment {
    std::string literal;
    bool has_placeholder = false;
  };
  std::vector<Segment> segments(1);
  for (const Token& token : tokens) {
    if (token.placeholder) {
      segments.back().has_placeholder = true;
      // A reserved prefix must be literal at the start of the segment to count.
      segments.back().literal += '\x01';
      continue;
    }
    for (const char c : token.text) {
      if (c == '\0') return invalid("path template contains a NUL byte");
      if (c == '\\') return invalid("path template contains a backslash; separate folders with /");
      if (c == '/') {
        segments.emplace_back();
      } else {
        segments.back().literal += c;
      }
    }
  }
  for (const Segment& segment : segments) {
    if (segment.literal.empty()) {
      return invalid("path template has an empty segment (// or a trailing /)");
    }
    if (!segment.has_placeholder && segment.literal == "..") {
      return invalid(
          "path template segment '..' is not allowed: a path cannot leave the storage "
          "folder");
    }
    if (!segment.has_placeholder && segment.literal == ".") {
      return invalid("path template segment '.' is not allowed");
    }
    if (IsReservedName(segment.literal)) {
      return invalid(
          fmt::format("path template segment starting with {} is reserved for the storage itself",
                      kReservedPrefix));
    }
  }
  return Ok();
}

template <typename Names>
Error UnknownPlaceholder(std::string_view name, const Names& known, std::string_view field) {
  std::vector<std::string> sorted(known.begin(), known.end());
  std::sort(sorted.begin(), sorted.end());
  std::string list;
  for (const std::string& known_name : sorted) {
    if (!list.empty()) list += ", ";
    list += fmt::format("{{{}}}", known_name);
  }
  if (list.empty()) list = "(none)";
  return Error::Validation(std::string(field),
                           fmt::format("unknown placeholder {{{}}}; known: {}", name, list));
}

}  // namespace

Result<std::string> RenderPathTemplate(std::string_view tmpl, const TemplateValues& values,
                                       std::string_view field) {
  auto tokens = Parse(tmpl, field);
  if (!tokens.ok()) return std::move(tokens).error();
  BATUTA_RETURN_IF_ERROR(CheckShape(tmpl, *tokens, field));
  std::string out;
  for (const Token& token : *tokens) {
    if (!token.placeholder) {
      out += token.text;
      continue;
    }
    const auto it = values.find(token.text);
    if (it == values.end()) {
      std::vector<std::string> names;
      names.reserve(values.size());
      for (const auto& [name, value] : values) names.push_back(name);
      return UnknownPlaceholder(token.text, names, field);
    }
    const std::string& value = it->second;
    if (value.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos || value == ".." ||
        value == ".") {
      return Error::Validation(
          std::string(field),
          fmt::format("placeholder {{{}}} has a value that cannot be part of a file name (it "
                      "contains '/', '\\' or NUL, or is '.' or '..'): values must not create "
                      "folders",
                      token.text));
    }
    out += value;
  }
  return out;
}

Status ValidatePathTemplate(std::string_view tmpl, const std::vector<std::string>& known_names,
                            std::string_view field) {
  auto tokens = Parse(tmpl, field);
  if (!tokens.ok()) return std::move(tokens).error();
  BATUTA_RETURN_IF_ERROR(CheckShape(tmpl, *tokens, field));
  for (const Token& token : *tokens) {
    if (token.placeholder &&
        std::find(known_names.begin(), known_names.end(), token.text) == known_names.end()) {
      return UnknownPlaceholder(token.text, known_names, field);
    }
  }
  return Ok();
}

}  // namespace batuta::storage
