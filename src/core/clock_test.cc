#include "core/clock.h"

#include <gtest/gtest.h>

namespace batuta {
namespace {

using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)

TEST(ManualClockTest, MovesOnlyWhenTold) {
  const TimePoint start{std::chrono::seconds(1'700'000'000)};
  ManualClock clock(start);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(90s);
  EXPECT_EQ(clock.Now(), start + 90s);
  clock.Set(start);
  EXPECT_EQ(clock.Now(), start);
}

TEST(ClockTest, FormatsRfc3339InUtcWithMilliseconds) {
  const TimePoint t{std::chrono::milliseconds(1'700'000'000'123)};
  EXPECT_EQ(FormatRfc3339(t), "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace batuta
