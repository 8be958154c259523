#include "logs/secret_forms.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/log.h"

namespace batuta::logs {
namespace {

constexpr std::string_view kStandardAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Base64 of `bytes` without padding, as a string of 6-bit values' characters: the last
// character of a partial group carries zero bits, as every encoder writes it.
std::string EncodeUnpadded(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (const char c : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(c);
    bit_count += 8;
    while (bit_count >= 6) {
      bit_count -= 6;
      out.push_back(kStandardAlphabet[(bits >> bit_count) & 0x3F]);
    }
  }
  if (bit_count > 0) out.push_back(kStandardAlphabet[(bits << (6 - bit_count)) & 0x3F]);
  return out;
}

std::string ToBase64Url(std::string s) {
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

// The characters of the base64 of (`offset` bytes, secret, more bytes) that depend on the
// secret's bytes only: character j covers bits [6j, 6j + 6), the secret bits
// [8 * offset, 8 * (offset + size)).
std::string AlignedCore(std::string_view secret, std::size_t offset) {
  std::string padded(offset, '\0');
  padded.append(secret);
  const std::string encoded = EncodeUnpadded(padded);
  const std::size_t first = (8 * offset + 5) / 6;
  const std::size_t end = 8 * (offset + secret.size()) / 6;
  if (end <= first) return {};
  return encoded.substr(first, end - first);
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string PercentEncode(std::string_view secret, std::string_view also_safe, bool lower_hex,
                          bool plus_for_space) {
  constexpr std::string_view kUpper = "0123456789ABCDEF";
  constexpr std::string_view kLower = "0123456789abcdef";
  const std::string_view hex = lower_hex ? kLower : kUpper;
  std::string out;
  out.reserve(secret.size() * 3);
  for (const char ch : secret) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || also_safe.find(ch) != std::string_view::npos) {
      out.push_back(ch);
    } else if (c == ' ' && plus_for_space) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out = EncodeUnpadded(bytes);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

std::vector<std::string> SecretForms(std::string_view secret) {
  std::vector<std::string> forms;
  const auto add = [&forms](std::string form) {
    if (form.empty()) return;
    if (std::find(forms.begin(), forms.end(), form) == forms.end()) {
      forms.push_back(std::move(form));
    }
  };
  add(std::string(secret));

  const std::string padded = Base64Encode(secret);
  const std::string unpadded = EncodeUnpadded(secret);
  add(padded);
  add(unpadded);
  add(ToBase64Url(padded));
  add(ToBase64Url(unpadded));
  for (std::size_t offset = 0; offset < 3; ++offset) {
    std::string core = AlignedCore(secret, offset);
    if (core.size() < kMinBase64CoreLength) continue;
    add(ToBase64Url(core));
    add(std::move(core));
  }

  constexpr std::array<std::string_view, 3> kSafeSets = {"", "!'()*", "!'()*/"};
  for (const std::string_view safe : kSafeSets) {
    for (const bool lower : {false, true}) {
      for (const bool plus : {false, true}) add(PercentEncode(secret, safe, lower, plus));
    }
  }

  add(JsonEscape(secret));
  return forms;
}

}  // namespace batuta::logs
