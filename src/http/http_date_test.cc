#include "http/http_date.h"

#include <gtest/gtest.h>

namespace batuta::http {
namespace {

using std::chrono::system_clock;

// 1994-11-06 08:49:37 UTC, the example of RFC 9110.
const system_clock::time_point kExample = system_clock::from_time_t(784111777);

TEST(HttpDateTest, FormatsImfFixdate) {
  EXPECT_EQ(FormatHttpDate(kExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(system_clock::from_time_t(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpDateTest, ParsesTheThreeFormsRecipientsMustAccept) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), kExample);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), kExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), kExample);
}

TEST(HttpDateTest, RoundTrips) {
  const auto now = system_clock::from_time_t(system_clock::to_time_t(system_clock::now()));
  EXPECT_EQ(ParseHttpDate(FormatHttpDate(now)), now);
}

TEST(HttpDateTest, RejectsAnythingElse) {
  EXPECT_FALSE(ParseHttpDate(""));
  EXPECT_FALSE(ParseHttpDate("yesterday"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
  EXPECT_FALSE(ParseHttpDate("Sun, 6 Nov 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 32 Nov 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 24:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("1994-11-06T08:49:37Z"));
}

}  // namespace
}  // namespace batuta::http
