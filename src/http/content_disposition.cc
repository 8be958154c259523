#include "http/content_disposition.h"

#include <fmt/format.h>

namespace batuta::http {
namespace {

// RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" /
// "`" / "|" / "~"; everything else is percent-encoded in filename*.
bool IsAttrChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '&':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

}  // namespace

std::string AttachmentDisposition(std::string_view filename) {
  std::string exact;
  for (char c : filename) {
    if (!IsControl(static_cast<unsigned char>(c))) exact.push_back(c);
  }
  if (exact.empty()) return "attachment";
  std::string plain;
  for (char c : exact) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      // One '_' per UTF-8 character: continuation bytes (10xxxxxx) add nothing.
      if ((u & 0xc0) != 0x80) plain.push_back('_');
    } else if (c == '"' || c == '\\' || c == '/') {
      plain.push_back('_');
    } else {
      plain.push_back(c);
    }
  }
  std::string out = fmt::format("attachment; filename=\"{}\"", plain);
  if (plain != exact) {
    out += "; filename*=UTF-8''";
    for (char c : exact) {
      const auto u = static_cast<unsigned char>(c);
      if (IsAttrChar(u)) {
        out.push_back(c);
      } else {
        out += fmt::format("%{:02X}", u);
      }
    }
  }
  return out;
}

}  // namespace batuta::http
