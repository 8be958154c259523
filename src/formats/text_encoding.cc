#include "formats/text_encoding.h"

namespace batuta::formats {

Utf8Step DecodeUtf8(std::string_view bytes) {
  const auto lead = static_cast<unsigned char>(bytes[0]);
  if (lead < 0x80) return {lead, 1, true};
  std::size_t continuation = 0;
  char32_t code_point = 0;
  // The range allowed for the first continuation byte depends on the lead (Table 3-7); later
  // continuation bytes are always 80..BF.
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuation = 1;
    code_point = lead & 0x1FU;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuation = 2;
    code_point = lead & 0x0FU;
    if (lead == 0xE0) low = 0xA0;   // no overlongs
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuation = 3;
    code_point = lead & 0x07U;
    if (lead == 0xF0) low = 0x90;   // no overlongs
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {0, 1, false};
  }
  for (std::size_t i = 1; i <= continuation; ++i) {
    if (i >= bytes.size()) return {0, i, false};
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte < low || byte > high) return {0, i, false};
    low = 0x80;
    high = 0xBF;
    code_point = (code_point << 6U) | (byte & 0x3FU);
  }
  return {code_point, continuation + 1, true};
}

bool IsValidUtf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    const Utf8Step step = DecodeUtf8(bytes.substr(i));
    if (!step.valid) return false;
    i += step.length;
  }
  return true;
}

int Windows1252FromCodePoint(char32_t code_point) {
  if (code_point < 0x80 || (code_point >= 0xA0 && code_point <= 0xFF)) {
    return static_cast<int>(code_point);
  }
  switch (code_point) {
    case 0x20AC:
      return 0x80;  // €
    case 0x201A:
      return 0x82;  // ‚
    case 0x0192:
      return 0x83;  // ƒ
    case 0x201E:
      return 0x84;  // „
    case 0x2026:
      return 0x85;  // …
    case 0x2020:
      return 0x86;  // †
    case 0x2021:
      return 0x87;  // ‡
    case 0x02C6:
      return 0x88;  // ˆ
    case 0x2030:
      return 0x89;  // ‰
    case 0x0160:
      return 0x8A;  // Š
    case 0x2039:
      return 0x8B;  // ‹
    case 0x0152:
      return 0x8C;  // Œ
    case 0x017D:
      return 0x8E;  // Ž
    case 0x2018:
      return 0x91;  // ‘
    case 0x2019:
      return 0x92;  // ’
    case 0x201C:
      return 0x93;  // “
    case 0x201D:
      return 0x94;  // ”
    case 0x2022:
      return 0x95;  // •
    case 0x2013:
      return 0x96;  // –
    case 0x2014:
      return 0x97;  // —
    case 0x02DC:
      return 0x98;  // ˜
    case 0x2122:
      return 0x99;  // ™
    case 0x0161:
      return 0x9A;  // š
    case 0x203A:
      return 0x9B;  // ›
    case 0x0153:
      return 0x9C;  // œ
    case 0x017E:
      return 0x9E;  // ž
    case 0x0178:
      return 0x9F;  // Ÿ
    default:
      return -1;
  }
}

}  // namespace batuta::formats
