#include "core/log.h"

#include <gtest/gtest.h>

namespace batuta {
namespace {

TEST(LogTest, RejectsUnknownLevels) {
  EXPECT_TRUE(ConfigureLogging("debug", LogFormat::kText).ok());
  EXPECT_TRUE(ConfigureLogging("off", LogFormat::kJson).ok());
  const auto bad = ConfigureLogging("loud", LogFormat::kText);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("loud"), std::string::npos);
}

TEST(LogTest, JsonEscapeKeepsLinesValid) {
  EXPECT_EQ(JsonEscape("a\"b\\c\nd\x01"), "a\\\"b\\\\c\\nd\\u0001");
}

}  // namespace
}  // namespace batuta
