#include "core/id.h"

#include <gtest/gtest.h>

#include <set>

namespace batuta {
namespace {

TEST(IdGeneratorTest, IdsAreUniqueAndSortByTime) {
  ManualClock clock(TimePoint{std::chrono::milliseconds(1'700'000'000'000)});
  IdGenerator ids(clock);
  const std::string first = ids.Next();
  EXPECT_EQ(first.size(), 26u);
  clock.Advance(std::chrono::milliseconds(1));
  const std::string later = ids.Next();
  EXPECT_LT(first, later);

  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) seen.insert(ids.Next());
  EXPECT_EQ(seen.size(), 10'000u);
  EXPECT_EQ(first.find_first_of("ILOU"), std::string::npos) << first;  // Crockford alphabet
}

TEST(IdGeneratorTest, TimestampPrefixIsTheClockTime) {
  ManualClock clock(TimePoint{});
  IdGenerator ids(clock);
  EXPECT_EQ(ids.Next().substr(0, 10), "0000000000");
}

TEST(RandomHexTest, HasTwoCharactersPerByte) {
  const auto a = RandomHex(32);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, RandomHex(32));
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace batuta
