#include "http/entity_tag.h"

namespace batuta::http {
namespace {

bool IsEtagChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u != 0x5c && u != 0x7f);
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits a tag into weakness and its opaque part between the quotes (or all of it, unquoted).
struct ParsedTag {
  bool weak = false;
  std::string_view opaque;
};

ParsedTag Parse(std::string_view tag) {
  ParsedTag parsed;
  tag = TrimSpaces(tag);
  if (tag.size() >= 2 && (tag[0] == 'W' || tag[0] == 'w') && tag[1] == '/') {
    parsed.weak = true;
    tag.remove_prefix(2);
  }
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
    tag.remove_prefix(1);
    tag.remove_suffix(1);
  }
  parsed.opaque = tag;
  return parsed;
}

}  // namespace

bool IsWeakEntityTag(std::string_view tag) { return Parse(tag).weak; }

std::string QuoteEntityTag(std::string_view tag) {
  const ParsedTag parsed = Parse(tag);
  std::string out = parsed.weak ? "W/\"" : "\"";
  for (char c : parsed.opaque) {
    if (IsEtagChar(c)) out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string WeakEntityTag(std::string_view tag) {
  const std::string quoted = QuoteEntityTag(tag);
  return quoted.starts_with("W/") ? quoted : "W/" + quoted;
}

bool EntityTagListMatches(std::string_view header_value, std::string_view tag, bool weak) {
  const ParsedTag ours = Parse(tag);
  if (!weak && ours.weak) return false;
  if (TrimSpaces(header_value) == "*") return true;
  while (!header_value.empty()) {
    // Quoted opaque parts cannot contain a quote, but may contain commas: split outside quotes.
    std::size_t end = 0;
    bool quoted = false;
    while (end < header_value.size() && (quoted || header_value[end] != ',')) {
      if (header_value[end] == '"') quoted = !quoted;
      ++end;
    }
    const ParsedTag theirs = Parse(header_value.substr(0, end));
    header_value.remove_prefix(end < header_value.size() ? end + 1 : end);
    if (theirs.opaque.empty() && !theirs.weak) continue;
    if (!weak && theirs.weak) continue;
    if (theirs.opaque == ours.opaque) return true;
  }
  return false;
}

}  // namespace batuta::http
