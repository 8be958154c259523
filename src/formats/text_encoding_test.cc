#include "formats/text_encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace batuta::formats {
namespace {

// The steps DecodeUtf8 takes through `bytes`: code point for a valid one, -length for not.
std::vector<long> Steps(std::string_view bytes) {
  std::vector<long> steps;
  while (!bytes.empty()) {
    const Utf8Step step = DecodeUtf8(bytes);
    steps.push_back(step.valid ? static_cast<long>(step.code_point)
                               : -static_cast<long>(step.length));
    bytes.remove_prefix(step.length);
  }
  return steps;
}

TEST(DecodeUtf8, DecodesEachLength) {
  EXPECT_EQ(Steps("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
            (std::vector<long>{'a', 0xE9, 0x20AC, 0x1F600}));
  EXPECT_EQ(Steps("\xF4\x8F\xBF\xBF"), (std::vector<long>{0x10FFFF}));
}

TEST(DecodeUtf8, IllFormedSequencesAreMaximalSubparts) {
  EXPECT_EQ(Steps("\xC0\x80"), (std::vector<long>{-1, -1}));                  // overlong lead
  EXPECT_EQ(Steps("\xE0\x80\x80"), (std::vector<long>{-1, -1, -1}));          // overlong 3-byte
  EXPECT_EQ(Steps("\xED\xA0\x80"), (std::vector<long>{-1, -1, -1}));          // surrogate
  EXPECT_EQ(Steps("\xF4\x90\x80\x80"), (std::vector<long>{-1, -1, -1, -1}));  // > U+10FFFF
  EXPECT_EQ(Steps("\xE2\x82"), (std::vector<long>{-2}));                      // truncated
  EXPECT_EQ(Steps("\xF0\x9F\x98"
                  "a"),
            (std::vector<long>{-3, 'a'}));
  EXPECT_EQ(Steps("\xFF\x80"), (std::vector<long>{-1, -1}));
}

TEST(IsValidUtf8, AcceptsOnlyWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE4\xB8\xAD"));
  EXPECT_FALSE(IsValidUtf8("caf\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));
}

TEST(Windows1252FromCodePoint, MapsLatin1AndTheC1Replacements) {
  EXPECT_EQ(Windows1252FromCodePoint('A'), 'A');
  EXPECT_EQ(Windows1252FromCodePoint(0xE9), 0xE9);
  EXPECT_EQ(Windows1252FromCodePoint(0xA0), 0xA0);
  EXPECT_EQ(Windows1252FromCodePoint(0x20AC), 0x80);
  EXPECT_EQ(Windows1252FromCodePoint(0x0178), 0x9F);
  EXPECT_EQ(Windows1252FromCodePoint(0x0081), -1);
  EXPECT_EQ(Windows1252FromCodePoint(0x4E2D), -1);
  // The complete table is checked against Python's cp1252 codec in csv_round_trip_test.cc.
}

}  // namespace
}  // namespace batuta::formats
