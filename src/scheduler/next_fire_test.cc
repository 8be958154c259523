#include "scheduler/next_fire.h"

#include <gtest/gtest.h>

#include <string>

namespace batuta::scheduler {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TimePoint Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return TimePoint(date::sys_days{date::year{y} / date::month{mo} / date::day{d}} + hours(h) +
                   minutes(mi) + seconds(s));
}

ScheduleSpec Cron(const std::string& expression, const std::string& zone) {
  auto spec = ScheduleSpec::FromCron(expression, zone);
  EXPECT_TRUE(spec.ok()) << expression << " " << zone;
  return std::move(spec).value();
}

std::string Show(const std::optional<TimePoint>& t) { return t ? FormatRfc3339(*t) : "none"; }

std::vector<std::string> Show(const std::vector<TimePoint>& times) {
  std::vector<std::string> out;
  out.reserve(times.size());
  for (const TimePoint t : times) out.push_back(FormatRfc3339(t));
  return out;
}

// America/New_York 2026: 02:00 EST -> 03:00 EDT on March 8 (07:00Z); 02:00 EDT -> 01:00 EST on
// November 1 (06:00Z).
TEST(NextFireDstTest, NewYorkSpringForwardGapFiresOnceWhenTheGapEnds) {
  const auto spec = Cron("30 2 * * *", "America/New_York");
  EXPECT_EQ(Show(NextFires(spec, Utc(2026, 3, 7, 8), 2)),
            (std::vector<std::string>{"2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"}));
  // Two fixed times inside the same gap map to the same instant and fire once.
  const auto two = Cron("0,30 2 * * *", "America/New_York");
  EXPECT_EQ(Show(NextFires(two, Utc(2026, 3, 7, 8), 2)),
            (std::vector<std::string>{"2026-03-08T07:00:00.000Z", "2026-03-09T06:00:00.000Z"}));
  // Asking from just before the end of the gap still finds it.
  EXPECT_EQ(Show(NextFireAfter(spec, Utc(2026, 3, 8, 6, 59, 59))), "2026-03-08T07:00:00.000Z");
  // A time at the end of the gap (03:00) is the same instant: still once.
  const auto edge = Cron("30 2,3 * * *", "America/New_York");
  EXPECT_EQ(Show(NextFires(edge, Utc(2026, 3, 8, 6), 3)),
            (std::vector<std::string>{"2026-03-08T07:00:00.000Z", "2026-03-08T07:30:00.000Z",
                                      "2026-03-09T06:30:00.000Z"}));
}

TEST(NextFireDstTest, NewYorkFallBackOverlapFiresOnceAtTheFirstOccurrence) {
  const auto spec = Cron("30 1 * * *", "America/New_York");
  EXPECT_EQ(Show(NextFires(spec, Utc(2026, 10, 31, 12), 2)),
            (std::vector<std::string>{"2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"}));
  // Starting inside the second pass of the repeated hour does not fire it again.
  EXPECT_EQ(Show(NextFireAfter(spec, Utc(2026, 11, 1, 6, 10))), "2026-11-02T06:30:00.000Z");
}

TEST(NextFireDstTest, NewYorkHourlyFollowsRealHours) {
  const auto hourly = Cron("0 * * * *", "America/New_York");
  // 01:00 EDT and 01:00 EST both fire: two real hours.
  EXPECT_EQ(Show(NextFires(hourly, Utc(2026, 11, 1, 4, 30), 3)),
            (std::vector<std::string>{"2026-11-01T05:00:00.000Z", "2026-11-01T06:00:00.000Z",
                                      "2026-11-01T07:00:00.000Z"}));
  // 02:00 does not exist on March 8: 01:00 EST is followed by 03:00 EDT, one real hour later.
  EXPECT_EQ(Show(NextFires(hourly, Utc(2026, 3, 8, 5, 30), 2)),
            (std::vector<std::string>{"2026-03-08T06:00:00.000Z", "2026-03-08T07:00:00.000Z"}));
  // A step over the hours also follows absolute time: 02:30 is simply missing that day.
  const auto stepped = Cron("30 */2 * * *", "America/New_York");
  EXPECT_EQ(Show(NextFires(stepped, Utc(2026, 3, 8, 5), 2)),
            (std::vector<std::string>{"2026-03-08T05:30:00.000Z", "2026-03-08T08:30:00.000Z"}));
}

TEST(NextFireDstTest, NewYorkSecondsFieldInTheGap) {
  const auto spec = Cron("30 30 2 * * *", "America/New_York");
  EXPECT_EQ(Show(NextFireAfter(spec, Utc(2026, 3, 8))), "2026-03-08T07:00:00.000Z");
}

// Brazil observed DST until 2019 (the tz database keeps the history): on 2018-11-04 00:00 -03
// became 01:00 -02; on 2019-02-17 00:00 -02 became 2019-02-16 23:00 -03.
TEST(NextFireDstTest, SaoPauloHistoricalGapAndOverlap) {
  const auto midnight = Cron("30 0 * * *", "America/Sao_Paulo");
  EXPECT_EQ(Show(NextFires(midnight, Utc(2018, 11, 3, 12), 2)),
            (std::vector<std::string>{"2018-11-04T03:00:00.000Z", "2018-11-05T02:30:00.000Z"}));
  const auto late = Cron("30 23 * * *", "America/Sao_Paulo");
  EXPECT_EQ(Show(NextFires(late, Utc(2019, 2, 16, 12), 2)),
            (std::vector<std::string>{"2019-02-17T01:30:00.000Z", "2019-02-18T02:30:00.000Z"}));
  const auto hourly = Cron("30 * * * *", "America/Sao_Paulo");
  EXPECT_EQ(Show(NextFires(hourly, Utc(2019, 2, 17, 1), 3)),
            (std::vector<std::string>{"2019-02-17T01:30:00.000Z", "2019-02-17T02:30:00.000Z",
                                      "2019-02-17T03:30:00.000Z"}));
}

TEST(NextFireDstTest, SaoPauloHasNoDstSince2019) {
  const auto spec = Cron("0 0 * * *", "America/Sao_Paulo");
  EXPECT_EQ(Show(NextFires(spec, Utc(2026, 10, 31), 3)),
            (std::vector<std::string>{"2026-10-31T03:00:00.000Z", "2026-11-01T03:00:00.000Z",
                                      "2026-11-02T03:00:00.000Z"}));
}

// Europe/London 2026: 01:00 GMT -> 02:00 BST on March 29; 02:00 BST -> 01:00 GMT on October 25.
TEST(NextFireDstTest, LondonGapAndOverlap) {
  const auto spec = Cron("30 1 * * *", "Europe/London");
  EXPECT_EQ(Show(NextFires(spec, Utc(2026, 3, 28, 12), 2)),
            (std::vector<std::string>{"2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"}));
  EXPECT_EQ(Show(NextFires(spec, Utc(2026, 10, 24, 12), 2)),
            (std::vector<std::string>{"2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"}));
  const auto hourly = Cron("0 * * * *", "Europe/London");
  EXPECT_EQ(Show(NextFires(hourly, Utc(2026, 10, 24, 23, 30), 3)),
            (std::vector<std::string>{"2026-10-25T00:00:00.000Z", "2026-10-25T01:00:00.000Z",
                                      "2026-10-25T02:00:00.000Z"}));
}

// Australia/Lord_Howe shifts by 30 minutes: 02:00 +1030 -> 02:30 +11 on 2026-10-04, and
// 02:00 +11 -> 01:30 +1030 on 2026-04-05.
TEST(NextFireDstTest, LordHoweHalfHourShift) {
  const auto gap = Cron("15 2 * * *", "Australia/Lord_Howe");
  EXPECT_EQ(Show(NextFireAfter(gap, Utc(2026, 10, 3, 12))), "2026-10-03T15:30:00.000Z");
  const auto overlap = Cron("45 1 * * *", "Australia/Lord_Howe");
  EXPECT_EQ(Show(NextFires(overlap, Utc(2026, 4, 4, 12), 2)),
            (std::vector<std::string>{"2026-04-04T14:45:00.000Z", "2026-04-05T15:15:00.000Z"}));
  const auto half_hourly = Cron("*/30 * * * *", "Australia/Lord_Howe");
  // 01:30 and 01:30 again (first +11, then +1030), then 02:00 +1030.
  EXPECT_EQ(Show(NextFires(half_hourly, Utc(2026, 4, 4, 14, 10), 3)),
            (std::vector<std::string>{"2026-04-04T14:30:00.000Z", "2026-04-04T15:00:00.000Z",
                                      "2026-04-04T15:30:00.000Z"}));
}

TEST(NextFireTest, StrictlyAfterEvenWithinASecond) {
  const auto spec = Cron("* * * * * *", "UTC");
  const TimePoint t = Utc(2026, 1, 1) + milliseconds(250);
  EXPECT_EQ(Show(NextFireAfter(spec, t)), "2026-01-01T00:00:01.000Z");
  EXPECT_EQ(Show(NextFireAfter(spec, Utc(2026, 1, 1))), "2026-01-01T00:00:01.000Z");
  const auto minutely = Cron("* * * * *", "UTC");
  EXPECT_EQ(Show(NextFireAfter(minutely, Utc(2026, 1, 1) - milliseconds(1))),
            "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(Show(NextFireAfter(minutely, Utc(2026, 1, 1))), "2026-01-01T00:01:00.000Z");
}

TEST(NextFireTest, WeekdayTimeSetInSaoPaulo) {
  auto set = WeekdayTimeSet::Create(
      {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday},
      {{6, 0}, {12, 30}});
  ASSERT_TRUE(set.ok());
  auto spec = ScheduleSpec::FromTimeSet(std::move(set).value(), "America/Sao_Paulo");
  ASSERT_TRUE(spec.ok());
  // 2026-03-06 is a Friday.
  EXPECT_EQ(Show(NextFires(*spec, Utc(2026, 3, 6, 10), 3)),
            (std::vector<std::string>{"2026-03-06T15:30:00.000Z", "2026-03-09T09:00:00.000Z",
                                      "2026-03-09T15:30:00.000Z"}));
}

TEST(NextFireTest, LeapDayAndHorizon) {
  const auto leap = Cron("0 0 29 2 *", "UTC");
  EXPECT_EQ(Show(NextFireAfter(leap, Utc(2026, 1, 1))), "2028-02-29T00:00:00.000Z");
  // 2100 is not a leap year: 8 years between February 29s, inside the 10-year horizon.
  EXPECT_EQ(Show(NextFireAfter(leap, Utc(2096, 3, 1))), "2104-02-29T00:00:00.000Z");
  // February 1 or 29 (AND Monday, since day-of-month starts with `*`): February 1 2027 is a
  // Monday; the next such day is more than 10 years later, so the search gives up.
  const auto rare = Cron("0 0 */28 2 1", "America/New_York");
  EXPECT_EQ(Show(NextFireAfter(rare, Utc(2026, 1, 1))), "2027-02-01T05:00:00.000Z");
  const auto after_horizon = NextFireAfter(rare, Utc(2027, 2, 2));
  if (after_horizon) {
    EXPECT_TRUE(IsFireTime(rare, *after_horizon));
    EXPECT_LE(*after_horizon - Utc(2027, 2, 2), kSearchHorizon);
  }
  // OR rule: February 29 or any Monday in February.
  const auto either = Cron("0 0 29 2 1", "UTC");
  EXPECT_EQ(Show(NextFireAfter(either, Utc(2026, 1, 1))), "2026-02-02T00:00:00.000Z");
}

TEST(NextFireTest, NextFiresStopsAtTheCount) {
  const auto spec = Cron("*/15 * * * *", "Asia/Kolkata");
  EXPECT_EQ(Show(NextFires(spec, Utc(2026, 1, 1, 0, 5), 3)),
            (std::vector<std::string>{"2026-01-01T00:15:00.000Z", "2026-01-01T00:30:00.000Z",
                                      "2026-01-01T00:45:00.000Z"}));
  EXPECT_TRUE(NextFires(spec, Utc(2026, 1, 1), 0).empty());
}

TEST(IsFireTimeTest, AppliesTheDstRules) {
  const auto fixed = Cron("30 1 * * *", "America/New_York");
  EXPECT_TRUE(IsFireTime(fixed, Utc(2026, 11, 1, 5, 30)));
  EXPECT_FALSE(IsFireTime(fixed, Utc(2026, 11, 1, 6, 30)));  // the repeated 01:30
  EXPECT_FALSE(IsFireTime(fixed, Utc(2026, 11, 1, 5, 30) + milliseconds(1)));
  const auto gap = Cron("30 2 * * *", "America/New_York");
  EXPECT_TRUE(IsFireTime(gap, Utc(2026, 3, 8, 7)));
  EXPECT_FALSE(IsFireTime(gap, Utc(2026, 3, 8, 7, 30)));
  const auto hourly = Cron("0 * * * *", "America/New_York");
  EXPECT_TRUE(IsFireTime(hourly, Utc(2026, 11, 1, 5)));
  EXPECT_TRUE(IsFireTime(hourly, Utc(2026, 11, 1, 6)));
}

}  // namespace
}  // namespace batuta::scheduler
