#include "http/byte_range.h"

#include <gtest/gtest.h>

namespace batuta::http {
namespace {

using Kind = ByteRangeRequest::Kind;

// "first-last" of a satisfiable range, "416" or "whole".
std::string Eval(std::string_view header, std::uint64_t size) {
  const auto range = EvaluateRange(header, size);
  switch (range.kind) {
    case Kind::kWhole:
      return "whole";
    case Kind::kUnsatisfiable:
      return "416";
    case Kind::kRange:
      return std::to_string(range.first) + "-" + std::to_string(range.last);
  }
  return "?";
}

TEST(ByteRangeTest, TheThreeForms) {
  EXPECT_EQ(Eval("bytes=0-99", 1000), "0-99");
  EXPECT_EQ(Eval("bytes=500-", 1000), "500-999");
  EXPECT_EQ(Eval("bytes=-100", 1000), "900-999");
  EXPECT_EQ(Eval("bytes=999-999", 1000), "999-999");
  EXPECT_EQ(EvaluateRange("bytes=10-19", 1000).length(), 10u);
}

TEST(ByteRangeTest, LastIsClampedAndLongSuffixesMeanEverything) {
  EXPECT_EQ(Eval("bytes=900-5000", 1000), "900-999");
  EXPECT_EQ(Eval("bytes=-5000", 1000), "0-999");
  EXPECT_EQ(Eval("bytes=0-99999999999999999999999", 1000), "0-999") << "saturates";
}

TEST(ByteRangeTest, Unsatisfiable) {
  EXPECT_EQ(Eval("bytes=1000-", 1000), "416");
  EXPECT_EQ(Eval("bytes=1000-2000", 1000), "416");
  EXPECT_EQ(Eval("bytes=-0", 1000), "416");
  EXPECT_EQ(Eval("bytes=0-", 0), "416");
  EXPECT_EQ(Eval("bytes=99999999999999999999999-", 1000), "416");
}

TEST(ByteRangeTest, WhitespaceAndCaseAreTolerated) {
  EXPECT_EQ(Eval(" Bytes = 1 - 2 ", 1000), "1-2");
}

TEST(ByteRangeTest, MalformedOrOtherUnitsServeTheWhole) {
  EXPECT_EQ(Eval("", 1000), "whole");
  EXPECT_EQ(Eval("bytes=", 1000), "whole");
  EXPECT_EQ(Eval("bytes=abc", 1000), "whole");
  EXPECT_EQ(Eval("bytes=5-1", 1000), "whole") << "last before first is invalid, not 416";
  EXPECT_EQ(Eval("bytes=-", 1000), "whole");
  EXPECT_EQ(Eval("bytes=1-2-3", 1000), "whole");
  EXPECT_EQ(Eval("bytes=+1-2", 1000), "whole");
  EXPECT_EQ(Eval("items=0-5", 1000), "whole");
  EXPECT_EQ(Eval("0-5", 1000), "whole");
}

TEST(ByteRangeTest, SeveralRangesServeTheWhole) {
  EXPECT_EQ(Eval("bytes=0-10,20-30", 1000), "whole");
  EXPECT_EQ(Eval("bytes=0-10, 5000-", 1000), "whole");
  EXPECT_EQ(Eval("bytes=0-10,", 1000), "whole");
}

TEST(ByteRangeTest, SuffixOfAnEmptyRepresentationIsTheWholeOfIt) {
  EXPECT_EQ(Eval("bytes=-5", 0), "whole");
}

}  // namespace
}  // namespace batuta::http
