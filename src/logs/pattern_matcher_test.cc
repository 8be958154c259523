#include "logs/pattern_matcher.h"

#include <gtest/gtest.h>

#include <random>

namespace batuta::logs {
namespace {

std::vector<ByteRange> BruteForce(const std::vector<std::string>& patterns, std::string_view text) {
  std::vector<bool> covered(text.size(), false);
  std::vector<ByteRange> raw;
  for (const std::string& p : patterns) {
    if (p.empty()) continue;
    for (std::size_t at = text.find(p); at != std::string_view::npos; at = text.find(p, at + 1)) {
      raw.push_back({at, at + p.size()});
    }
  }
  std::sort(raw.begin(), raw.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.begin < b.begin; });
  std::vector<ByteRange> merged;
  for (const ByteRange& r : raw) {
    if (!merged.empty() && r.begin < merged.back().end) {
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

TEST(PatternMatcherTest, EmptyMatchesNothing) {
  EXPECT_TRUE(PatternMatcher().empty());
  EXPECT_TRUE(PatternMatcher().Find("anything").empty());
  EXPECT_TRUE(PatternMatcher({""}).empty());
}

TEST(PatternMatcherTest, FindsEveryOccurrenceAndMergesOverlaps) {
  const PatternMatcher matcher({"abcd", "cdef", "xyz"});
  EXPECT_EQ(matcher.Find("..abcdef..xyz.xyzxyz"),
            (std::vector<ByteRange>{{2, 8}, {10, 13}, {14, 17}, {17, 20}}));
  EXPECT_TRUE(matcher.Find("abc cde xy").empty());
}

TEST(PatternMatcherTest, LongPatternSwallowsEarlierShortOnes) {
  const PatternMatcher matcher({"b", "d", "abcde"});
  EXPECT_EQ(matcher.Find("abcde"), (std::vector<ByteRange>{{0, 5}}));
}

TEST(PatternMatcherTest, AgreesWithBruteForceOnRandomInput) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> letter('a', 'c');
  std::uniform_int_distribution<int> length(1, 5);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> patterns(4);
    for (std::string& p : patterns) {
      const int n = length(rng);
      for (int i = 0; i < n; ++i) p.push_back(static_cast<char>(letter(rng)));
    }
    std::string text;
    for (int i = 0; i < 60; ++i) text.push_back(static_cast<char>(letter(rng)));
    ASSERT_EQ(PatternMatcher(patterns).Find(text), BruteForce(patterns, text)) << text;
  }
}

TEST(PatternMatcherTest, HandlesEveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const PatternMatcher matcher({all.substr(250), std::string("\0\1", 2)});
  EXPECT_EQ(matcher.Find(all), (std::vector<ByteRange>{{0, 2}, {250, 256}}));
}

}  // namespace
}  // namespace batuta::logs
