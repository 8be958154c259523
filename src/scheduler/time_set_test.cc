#include "scheduler/time_set.h"

#include <gtest/gtest.h>

namespace batuta::scheduler {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(LocalTimeTest, ParsesAndFormats) {
  auto t = ParseLocalTime("06:05");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->hour, 6);
  EXPECT_EQ(t->minute, 5);
  EXPECT_EQ(t->ToString(), "06:05");
  EXPECT_EQ(ParseLocalTime("23:59")->ToString(), "23:59");
  EXPECT_EQ(ParseLocalTime("00:00")->ToString(), "00:00");
}

TEST(LocalTimeTest, RejectsMalformedTimes) {
  for (const char* bad :
       {"6:00", "06:0", "0600", "06-00", "24:00", "12:60", "ab:cd", "", "06:00 "}) {
    auto t = ParseLocalTime(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.error().code, ErrorCode::kValidation);
    EXPECT_EQ(t.error().details.at("field"), "times");
  }
  EXPECT_EQ(ParseLocalTime("24:00").error().message, "hour of 24:00 is above 23");
  EXPECT_EQ(ParseLocalTime("12:60").error().message, "minute of 12:60 is above 59");
}

TEST(WeekdayNameTest, ParsesAnyCase) {
  EXPECT_EQ(*ParseWeekdayName("mon"), date::Monday);
  EXPECT_EQ(*ParseWeekdayName("SUN"), date::Sunday);
  EXPECT_EQ(*ParseWeekdayName("Sat"), date::Saturday);
  EXPECT_FALSE(ParseWeekdayName("monday").ok());
  EXPECT_FALSE(ParseWeekdayName("").ok());
  EXPECT_EQ(WeekdayName(date::Wednesday), "wed");
}

TEST(WeekdayTimeSetTest, SortsTimesAndMatches) {
  auto set = WeekdayTimeSet::Create({date::Monday, date::Friday}, {{12, 30}, {6, 0}});
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->times().size(), 2U);
  EXPECT_EQ(set->times()[0].ToString(), "06:00");
  EXPECT_EQ(set->FirstTimeAtOrAfter(seconds(0)), hours(6));
  EXPECT_EQ(set->FirstTimeAtOrAfter(hours(6) + seconds(1)), hours(12) + minutes(30));
  EXPECT_EQ(set->FirstTimeAtOrAfter(hours(13)), std::nullopt);
  // 2026-03-09 is a Monday, 2026-03-10 a Tuesday.
  const date::local_seconds monday{date::local_days{date::year{2026} / 3 / 9}};
  EXPECT_TRUE(set->Matches(monday + hours(6)));
  EXPECT_TRUE(set->Matches(monday + hours(12) + minutes(30)));
  EXPECT_FALSE(set->Matches(monday + hours(12)));  // not the cross product of hours × minutes
  EXPECT_FALSE(set->Matches(monday + hours(6) + minutes(30)));
  EXPECT_FALSE(set->Matches(monday + date::days(1) + hours(6)));
}

TEST(WeekdayTimeSetTest, ValidatesItsParts) {
  auto no_days = WeekdayTimeSet::Create({}, {{6, 0}});
  ASSERT_FALSE(no_days.ok());
  EXPECT_EQ(no_days.error().details.at("field"), "weekdays");
  auto twice = WeekdayTimeSet::Create({date::Monday, date::Monday}, {{6, 0}});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "mon appears twice");
  auto no_times = WeekdayTimeSet::Create({date::Monday}, {});
  ASSERT_FALSE(no_times.ok());
  EXPECT_EQ(no_times.error().details.at("field"), "times");
  auto same_time = WeekdayTimeSet::Create({date::Monday}, {{6, 0}, {6, 0}});
  ASSERT_FALSE(same_time.ok());
  EXPECT_EQ(same_time.error().message, "06:00 appears twice");
  auto out_of_range = WeekdayTimeSet::Create({date::Monday}, {{24, 0}});
  ASSERT_FALSE(out_of_range.ok());
  std::vector<LocalTime> many;
  for (int i = 0; i <= static_cast<int>(WeekdayTimeSet::kMaxTimes); ++i) {
    many.push_back({i / 60, i % 60});
  }
  auto too_many = WeekdayTimeSet::Create({date::Monday}, many);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().message, "more than 96 times");
}

}  // namespace
}  // namespace batuta::scheduler
