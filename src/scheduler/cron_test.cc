#include "scheduler/cron.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace batuta::scheduler {
namespace {

using ::testing::HasSubstr;

CronExpression MustParse(const std::string& text) {
  auto cron = CronExpression::Parse(text);
  EXPECT_TRUE(cron.ok()) << text << ": " << (cron.ok() ? "" : cron.error().message);
  return std::move(cron).value();
}

std::string ErrorOf(const std::string& text) {
  auto cron = CronExpression::Parse(text);
  if (cron.ok()) return "<parsed>";
  EXPECT_EQ(cron.error().code, ErrorCode::kValidation);
  EXPECT_EQ(cron.error().details.at("field"), "cron");
  return cron.error().message;
}

template <std::size_t N>
std::string Bits(const std::bitset<N>& bits) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (bits[i]) out += (out.empty() ? "" : ",") + std::to_string(i);
  }
  return out;
}

TEST(CronParseTest, Wildcards) {
  const auto cron = MustParse("* * * * *");
  EXPECT_FALSE(cron.has_seconds());
  EXPECT_EQ(cron.seconds().count(), 1U);
  EXPECT_TRUE(cron.seconds()[0]);
  EXPECT_EQ(cron.minutes().count(), 60U);
  EXPECT_EQ(cron.hours().count(), 24U);
  EXPECT_EQ(Bits(cron.days_of_month()), Bits(std::bitset<32>(0xFFFFFFFEULL)));
  EXPECT_EQ(cron.months().count(), 12U);
  EXPECT_EQ(cron.days_of_week().count(), 7U);
  EXPECT_TRUE(cron.hour_follows_absolute_time());
  EXPECT_FALSE(cron.day_of_month_restricted());
  EXPECT_FALSE(cron.day_of_week_restricted());
}

TEST(CronParseTest, ValuesListsRangesAndSteps) {
  const auto cron = MustParse("5,10-12,*/20 1-10/3 2/10 */5 1-5");
  EXPECT_EQ(Bits(cron.minutes()), "0,5,10,11,12,20,40");
  EXPECT_EQ(Bits(cron.hours()), "1,4,7,10");
  EXPECT_EQ(Bits(cron.days_of_month()), "2,12,22");
  EXPECT_EQ(Bits(cron.months()), "1,6,11");
  EXPECT_EQ(Bits(cron.days_of_week()), "1,2,3,4,5");
  EXPECT_TRUE(cron.hour_follows_absolute_time());  // a step in the hour field
  EXPECT_TRUE(cron.day_of_month_restricted());
  EXPECT_TRUE(cron.day_of_week_restricted());
}

TEST(CronParseTest, FixedHourFields) {
  EXPECT_FALSE(MustParse("0 6 * * *").hour_follows_absolute_time());
  EXPECT_FALSE(MustParse("0 6,12 * * *").hour_follows_absolute_time());
  EXPECT_FALSE(MustParse("0 0-23 * * *").hour_follows_absolute_time());
  EXPECT_TRUE(MustParse("0 1,*/6 * * *").hour_follows_absolute_time());
  EXPECT_TRUE(MustParse("0 3/6 * * *").hour_follows_absolute_time());
  EXPECT_FALSE(MustParse("*/5 6 * * *").hour_follows_absolute_time());
}

TEST(CronParseTest, SixFieldsHaveSecondsFirst) {
  const auto cron = MustParse("*/15 30 2 * * *");
  EXPECT_TRUE(cron.has_seconds());
  EXPECT_EQ(Bits(cron.seconds()), "0,15,30,45");
  EXPECT_EQ(Bits(cron.minutes()), "30");
  EXPECT_EQ(Bits(cron.hours()), "2");
}

TEST(CronParseTest, NamesAreCaseInsensitive) {
  const auto cron = MustParse("0 0 * jan,Mar-may,DEC sun,Mon-fri");
  EXPECT_EQ(Bits(cron.months()), "1,3,4,5,12");
  EXPECT_EQ(Bits(cron.days_of_week()), "0,1,2,3,4,5");
}

TEST(CronParseTest, SundayIsZeroOrSeven) {
  EXPECT_EQ(Bits(MustParse("0 0 * * 7").days_of_week()), "0");
  EXPECT_EQ(Bits(MustParse("0 0 * * 5-7").days_of_week()), "0,5,6");
  EXPECT_EQ(Bits(MustParse("0 0 * * 0-7").days_of_week()), "0,1,2,3,4,5,6");
  EXPECT_EQ(Bits(MustParse("0 0 * * */2").days_of_week()), "0,2,4,6");
}

TEST(CronParseTest, Macros) {
  EXPECT_EQ(Bits(MustParse("@hourly").minutes()), "0");
  EXPECT_EQ(MustParse("@hourly").hours().count(), 24U);
  for (const char* daily : {"@daily", "@midnight", "@DAILY"}) {
    const auto cron = MustParse(daily);
    EXPECT_EQ(Bits(cron.hours()), "0");
    EXPECT_EQ(cron.days_of_week().count(), 7U);
  }
  EXPECT_EQ(Bits(MustParse("@weekly").days_of_week()), "0");
  EXPECT_EQ(Bits(MustParse("@monthly").days_of_month()), "1");
  for (const char* yearly : {"@yearly", "@annually"}) {
    const auto cron = MustParse(yearly);
    EXPECT_EQ(Bits(cron.months()), "1");
    EXPECT_EQ(Bits(cron.days_of_month()), "1");
  }
  EXPECT_EQ(MustParse("  @daily\t").text(), "@daily");
}

TEST(CronParseTest, BlanksBetweenFields) {
  const auto cron = MustParse("  0\t6   *  * 1-5 ");
  EXPECT_EQ(cron.text(), "0\t6   *  * 1-5");
  EXPECT_EQ(Bits(cron.hours()), "6");
}

TEST(CronParseTest, ImpossibleDatesAreRejected) {
  EXPECT_THAT(ErrorOf("0 0 31 2 *"), HasSubstr("February has no day 31"));
  EXPECT_THAT(ErrorOf("0 0 30 2 *"), HasSubstr("never fires"));
  EXPECT_THAT(ErrorOf("0 0 31 4,6,9,11 *"), HasSubstr("nor has any other allowed month"));
  EXPECT_THAT(ErrorOf("0 0 30,31 feb *"), HasSubstr("day-of-month"));
  // February 29 exists in leap years; day 31 exists in some allowed month.
  EXPECT_TRUE(CronExpression::Parse("0 0 29 2 *").ok());
  EXPECT_TRUE(CronExpression::Parse("0 0 31 2,3 *").ok());
  // With both day fields restricted either may match, so the weekday keeps it possible.
  EXPECT_TRUE(CronExpression::Parse("0 0 31 2 1").ok());
  EXPECT_TRUE(CronExpression::Parse("0 0 30-31/1 2 1").ok());
}

TEST(CronParseTest, ErrorsNameTheFieldAndProblem) {
  EXPECT_EQ(ErrorOf("0 25 * * *"), "hour: 25 is out of range 0-23");
  EXPECT_EQ(ErrorOf("60 * * * *"), "minute: 60 is out of range 0-59");
  EXPECT_EQ(ErrorOf("60 * * * * *"), "second: 60 is out of range 0-59");
  EXPECT_EQ(ErrorOf("0 0 0 * *"), "day-of-month: 0 is out of range 1-31");
  EXPECT_EQ(ErrorOf("0 0 32 * *"), "day-of-month: 32 is out of range 1-31");
  EXPECT_EQ(ErrorOf("0 0 * 13 *"), "month: 13 is out of range 1-12");
  EXPECT_EQ(ErrorOf("0 0 * 0 *"), "month: 0 is out of range 1-12");
  EXPECT_EQ(ErrorOf("0 0 * * 8"), "day-of-week: 8 is out of range 0-7");
  EXPECT_EQ(ErrorOf("0 0 * foo *"), "month: 'foo' is not a number or a month name");
  EXPECT_EQ(ErrorOf("0 0 * * fun"), "day-of-week: 'fun' is not a number or a day name");
  EXPECT_EQ(ErrorOf("x * * * *"), "minute: 'x' is not a number");
  EXPECT_EQ(ErrorOf("-1 * * * *"), "minute: a value is missing");
  EXPECT_EQ(ErrorOf("5-2 * * * *"), "minute: range 5-2 is reversed");
  EXPECT_EQ(ErrorOf("*/0 * * * *"), "minute: step 0 is out of range 1-60");
  EXPECT_EQ(ErrorOf("* */25 * * *"), "hour: step 25 is out of range 1-24");
  EXPECT_EQ(ErrorOf("*/ * * * *"), "minute: a step is missing after '/'");
  EXPECT_EQ(ErrorOf("*/x * * * *"), "minute: step 'x' is not a number");
  EXPECT_EQ(ErrorOf("1,,2 * * * *"), "minute: empty list item");
  EXPECT_EQ(ErrorOf("1, * * * *"), "minute: empty list item");
  EXPECT_EQ(ErrorOf("99999 * * * *"), "minute: '99999' is out of range 0-59");
  EXPECT_EQ(ErrorOf("* * * *"), "expected 5 or 6 fields, got 4");
  EXPECT_EQ(ErrorOf("* * * * * * *"), "expected 5 or 6 fields, got more than 6");
  EXPECT_EQ(ErrorOf(""), "expression is empty");
  EXPECT_EQ(ErrorOf(" \t "), "expression is empty");
  EXPECT_THAT(ErrorOf("@often"), HasSubstr("unknown macro '@often'"));
  EXPECT_EQ(ErrorOf("0 0 * * sat-sun"), "day-of-week: range 6-0 is reversed");
}

TEST(CronParseTest, UntrustedTextInMessagesIsPrintableAscii) {
  const std::string message = ErrorOf("\xff\x01 * * * *");
  EXPECT_EQ(message,
            "minute: '?"
            "?' is not a number");
  EXPECT_THAT(ErrorOf(std::string(40, 'a') + " * * * *"), HasSubstr("...'"));
}

TEST(CronParseTest, LengthAndListSizeAreBounded) {
  std::string longest = "0 0 * * *";
  longest += std::string(CronExpression::kMaxLength - longest.size(), ' ');
  EXPECT_TRUE(CronExpression::Parse(longest).ok());
  EXPECT_EQ(ErrorOf(longest + " "), "expression is longer than 256 characters");

  std::string list;
  for (std::size_t i = 0; i < CronExpression::kMaxListItems; ++i) {
    list += (i > 0 ? "," : "") + std::to_string(i % 60);
  }
  EXPECT_TRUE(CronExpression::Parse(list + " * * * *").ok());
  EXPECT_EQ(ErrorOf(list + ",1 * * * *"), "minute: more than 64 list items");
}

TEST(CronMatchTest, VixieDayRule) {
  // Both restricted: day 13 OR Friday.
  const auto either = MustParse("0 0 13 * 5");
  EXPECT_TRUE(
      either.MatchesDay(date::year_month_day{date::year{2026}, date::March, date::day{13}}));
  EXPECT_TRUE(either.MatchesDay(date::year_month_day{date::year{2026}, date::March, date::day{6}}));
  EXPECT_FALSE(
      either.MatchesDay(date::year_month_day{date::year{2026}, date::March, date::day{7}}));
  // Day-of-month starting with `*`: AND.
  const auto both = MustParse("0 0 */2 * 5");
  EXPECT_FALSE(both.MatchesDay(date::year_month_day{date::year{2026}, date::March, date::day{6}}));
  EXPECT_TRUE(both.MatchesDay(date::year_month_day{date::year{2026}, date::March, date::day{13}}));
  EXPECT_FALSE(both.MatchesDay(date::year_month_day{date::year{2026}, date::March, date::day{15}}));
}

TEST(CronMatchTest, FirstTimeAtOrAfterJumpsFields) {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const auto cron = MustParse("15,45 9-10 * * *");
  EXPECT_EQ(cron.FirstTimeAtOrAfter(seconds(0)), hours(9) + minutes(15));
  EXPECT_EQ(cron.FirstTimeAtOrAfter(hours(9) + minutes(15)), hours(9) + minutes(15));
  EXPECT_EQ(cron.FirstTimeAtOrAfter(hours(9) + minutes(15) + seconds(1)), hours(9) + minutes(45));
  EXPECT_EQ(cron.FirstTimeAtOrAfter(hours(9) + minutes(50)), hours(10) + minutes(15));
  EXPECT_EQ(cron.FirstTimeAtOrAfter(hours(10) + minutes(46)), std::nullopt);
  const auto with_seconds = MustParse("30 0 0 * * *");
  EXPECT_EQ(with_seconds.FirstTimeAtOrAfter(seconds(31)), std::nullopt);
  EXPECT_EQ(with_seconds.FirstTimeAtOrAfter(seconds(0)), seconds(30));
}

TEST(CronMatchTest, MatchesLocalTime) {
  const auto cron = MustParse("30 2 * * *");
  const date::local_seconds day{date::local_days{date::year{2026} / 3 / 8}};
  EXPECT_TRUE(cron.Matches(day + std::chrono::hours(2) + std::chrono::minutes(30)));
  EXPECT_FALSE(cron.Matches(day + std::chrono::hours(2) + std::chrono::minutes(31)));
  EXPECT_FALSE(cron.Matches(day + std::chrono::hours(2) + std::chrono::minutes(30) +
                            std::chrono::seconds(1)));
}

}  // namespace
}  // namespace batuta::scheduler
