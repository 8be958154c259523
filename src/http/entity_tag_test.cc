#include "http/entity_tag.h"

#include <gtest/gtest.h>

namespace batuta::http {
namespace {

TEST(EntityTagTest, QuotesBareTagsAndKeepsQuotedOnes) {
  EXPECT_EQ(QuoteEntityTag("abc"), "\"abc\"");
  EXPECT_EQ(QuoteEntityTag("\"abc\""), "\"abc\"");
  EXPECT_EQ(QuoteEntityTag("W/\"abc\""), "W/\"abc\"");
  EXPECT_EQ(QuoteEntityTag("a b\"c\r\n"), "\"abc\"") << "characters a tag cannot hold are dropped";
}

TEST(EntityTagTest, WeakForm) {
  EXPECT_EQ(WeakEntityTag("\"abc\""), "W/\"abc\"");
  EXPECT_EQ(WeakEntityTag("abc"), "W/\"abc\"");
  EXPECT_EQ(WeakEntityTag("W/\"abc\""), "W/\"abc\"");
  EXPECT_TRUE(IsWeakEntityTag("W/\"abc\""));
  EXPECT_FALSE(IsWeakEntityTag("\"abc\""));
}

TEST(EntityTagTest, WeakComparisonIgnoresWeakness) {
  EXPECT_TRUE(EntityTagListMatches("\"abc\"", "\"abc\"", true));
  EXPECT_TRUE(EntityTagListMatches("W/\"abc\"", "\"abc\"", true));
  EXPECT_TRUE(EntityTagListMatches("\"abc\"", "W/\"abc\"", true));
  EXPECT_TRUE(EntityTagListMatches("\"x\", \"y\" ,W/\"abc\"", "\"abc\"", true));
  EXPECT_TRUE(EntityTagListMatches(" * ", "\"abc\"", true));
  EXPECT_TRUE(EntityTagListMatches("abc", "\"abc\"", true)) << "unquoted, as some clients send";
  EXPECT_FALSE(EntityTagListMatches("\"abcd\"", "\"abc\"", true));
  EXPECT_FALSE(EntityTagListMatches("", "\"abc\"", true));
}

TEST(EntityTagTest, CommasInsideQuotesDoNotSplit) {
  EXPECT_TRUE(EntityTagListMatches("\"a,b\", \"c\"", "\"a,b\"", true));
  EXPECT_FALSE(EntityTagListMatches("\"a,b\"", "\"a\"", true));
}

TEST(EntityTagTest, StrongComparisonNeverMatchesWeakTags) {
  EXPECT_TRUE(EntityTagListMatches("\"abc\"", "\"abc\"", false));
  EXPECT_FALSE(EntityTagListMatches("W/\"abc\"", "\"abc\"", false));
  EXPECT_FALSE(EntityTagListMatches("\"abc\"", "W/\"abc\"", false));
}

}  // namespace
}  // namespace batuta::http
