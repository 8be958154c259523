#pragma once

#include <cstddef>
#include <string_view>

namespace batuta::formats {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// One step of UTF-8 decoding. A well-formed sequence (Unicode Table 3-7: no overlongs, no
// surrogates, nothing above U+10FFFF) gives its code point and length. An ill-formed one gives
// valid = false and the length of its maximal subpart (Unicode 3.9, "U+FFFD substitution of
// maximal subparts", the practice of WHATWG and Python's "replace"): replacing each step that
// is not valid by one U+FFFD matches what those decoders produce.
struct Utf8Step {
  char32_t code_point = 0;
  std::size_t length = 1;
  bool valid = false;
};

// `bytes` must not be empty.
Utf8Step DecodeUtf8(std::string_view bytes);

bool IsValidUtf8(std::string_view bytes);

// The windows-1252 byte for `code_point`, or -1 when it has none. U+0080 to U+009F are
// unmappable (like Python's cp1252 codec): windows-1252 uses those bytes for other characters
// (0x80 is U+20AC) and leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined.
int Windows1252FromCodePoint(char32_t code_point);

}  // namespace batuta::formats
