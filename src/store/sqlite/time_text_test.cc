#include "store/sqlite/time_text.h"

#include <gtest/gtest.h>

#include <chrono>

namespace batuta::sqlite {
namespace {

using std::chrono::milliseconds;
using std::chrono::sys_days;

const TimePoint kExample = sys_days(std::chrono::year{2026} / 11 / 23) + std::chrono::hours(14) +
                           std::chrono::minutes(5) + std::chrono::seconds(9) + milliseconds(123);

TEST(TimeTextTest, FormatsRfc3339UtcWithMillis) {
  EXPECT_EQ(TimeToText(kExample), "2026-11-23T14:05:09.123Z");
  EXPECT_EQ(TimeToText(TimePoint{}), "1970-01-01T00:00:00.000Z");
}

TEST(TimeTextTest, RoundTripsAtMillisecondPrecision) {
  const TimePoint with_micros = kExample + std::chrono::microseconds(999);
  EXPECT_EQ(TruncateToMillis(with_micros), kExample);
  EXPECT_EQ(TimeToText(with_micros), "2026-11-23T14:05:09.123Z");
  auto parsed = TimeFromText(TimeToText(with_micros));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, kExample);

  const TimePoint leap_day = sys_days(std::chrono::year{2028} / 2 / 29) + milliseconds(86399999);
  auto parsed_leap = TimeFromText(TimeToText(leap_day));
  ASSERT_TRUE(parsed_leap.ok());
  EXPECT_EQ(*parsed_leap, leap_day);
  EXPECT_EQ(TimeToText(leap_day), "2028-02-29T23:59:59.999Z");
}

TEST(TimeTextTest, SortsAsTextInTimeOrder) {
  EXPECT_LT(TimeToText(kExample), TimeToText(kExample + milliseconds(1)));
  EXPECT_LT(TimeToText(kExample), TimeToText(kExample + std::chrono::hours(24 * 400)));
}

TEST(TimeTextTest, RejectsAnythingElse) {
  for (std::string_view text :
       {"", "2026-11-23T14:05:09Z", "2026-11-23 14:05:09.123Z", "2026-11-23T14:05:09.123+00:00",
        "2026-13-23T14:05:09.123Z", "2026-02-30T14:05:09.123Z", "2026-11-23T24:05:09.123Z",
        "2026-11-23T14:60:09.123Z", "2026-11-23T14:05:60.123Z", "2026-11-23T14:05:09.12xZ",
        "+026-11-23T14:05:09.123Z", "2026-11-23T14:05:09.123z"}) {
    SCOPED_TRACE(text);
    auto parsed = TimeFromText(text);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, ErrorCode::kInternal);
  }
}

}  // namespace
}  // namespace batuta::sqlite
