#include "scheduler/misfire.h"

#include <gtest/gtest.h>

#include <string>

namespace batuta::scheduler {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TimePoint Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return TimePoint(date::sys_days{date::year{y} / date::month{mo} / date::day{d}} + hours(h) +
                   minutes(mi) + seconds(s));
}

ScheduleSpec Hourly() { return std::move(ScheduleSpec::FromCron("0 * * * *", "UTC")).value(); }

std::vector<std::string> Show(const std::vector<TimePoint>& times) {
  std::vector<std::string> out;
  out.reserve(times.size());
  for (const TimePoint t : times) out.push_back(FormatRfc3339(t));
  return out;
}

MisfirePolicy Policy(MisfirePolicy::Kind kind, int max = 1, seconds window = seconds(0)) {
  MisfirePolicy policy;
  policy.kind = kind;
  policy.max = max;
  policy.window = window;
  return policy;
}

TEST(MisfireTest, OnTimeFireRunsUnderEveryPolicy) {
  const auto spec = Hourly();
  for (const auto kind :
       {MisfirePolicy::Kind::kSkip, MisfirePolicy::Kind::kRunOnce, MisfirePolicy::Kind::kCatchUp}) {
    const auto outcome =
        ResolveMisfires(spec, Utc(2026, 1, 1, 9), Utc(2026, 1, 1, 10, 0, 2), Policy(kind, 3));
    EXPECT_EQ(Show(outcome.fire_now), (std::vector<std::string>{"2026-01-01T10:00:00.000Z"}));
    EXPECT_EQ(FormatRfc3339(*outcome.next_fire), "2026-01-01T11:00:00.000Z");
  }
}

TEST(MisfireTest, NothingDueYet) {
  const auto spec = Hourly();
  const auto outcome = ResolveMisfires(spec, Utc(2026, 1, 1, 9), Utc(2026, 1, 1, 9, 59),
                                       Policy(MisfirePolicy::Kind::kRunOnce));
  EXPECT_TRUE(outcome.fire_now.empty());
  EXPECT_EQ(FormatRfc3339(*outcome.next_fire), "2026-01-01T10:00:00.000Z");
  // `now` before the last scheduled time (a clock step back): nothing, next after `last`.
  const auto back = ResolveMisfires(spec, Utc(2026, 1, 1, 9), Utc(2026, 1, 1, 8, 30),
                                    Policy(MisfirePolicy::Kind::kCatchUp, 5, hours(5)));
  EXPECT_TRUE(back.fire_now.empty());
  EXPECT_EQ(FormatRfc3339(*back.next_fire), "2026-01-01T10:00:00.000Z");
}

TEST(MisfireTest, SkipDropsMissedFires) {
  const auto spec = Hourly();
  const auto outcome = ResolveMisfires(spec, Utc(2026, 1, 1, 2), Utc(2026, 1, 1, 10, 30),
                                       Policy(MisfirePolicy::Kind::kSkip));
  EXPECT_TRUE(outcome.fire_now.empty());
  EXPECT_EQ(FormatRfc3339(*outcome.next_fire), "2026-01-01T11:00:00.000Z");
  // Exactly at the grace limit still counts as on time; one second later does not.
  EXPECT_EQ(ResolveMisfires(spec, Utc(2026, 1, 1, 9), Utc(2026, 1, 1, 10, 1),
                            Policy(MisfirePolicy::Kind::kSkip))
                .fire_now.size(),
            1U);
  EXPECT_TRUE(ResolveMisfires(spec, Utc(2026, 1, 1, 9), Utc(2026, 1, 1, 10, 1, 1),
                              Policy(MisfirePolicy::Kind::kSkip))
                  .fire_now.empty());
}

TEST(MisfireTest, RunOnceFiresTheLatestMissedTime) {
  const auto spec = Hourly();
  const auto outcome = ResolveMisfires(spec, Utc(2026, 1, 1, 2), Utc(2026, 1, 1, 10, 30),
                                       Policy(MisfirePolicy::Kind::kRunOnce));
  EXPECT_EQ(Show(outcome.fire_now), (std::vector<std::string>{"2026-01-01T10:00:00.000Z"}));
  EXPECT_EQ(FormatRfc3339(*outcome.next_fire), "2026-01-01T11:00:00.000Z");
  // Months of downtime on a yearly schedule: the one missed fire is found.
  const auto yearly = std::move(ScheduleSpec::FromCron("@yearly", "UTC")).value();
  const auto long_gap = ResolveMisfires(yearly, Utc(2025, 1, 1), Utc(2026, 7, 1),
                                        Policy(MisfirePolicy::Kind::kRunOnce));
  EXPECT_EQ(Show(long_gap.fire_now), (std::vector<std::string>{"2026-01-01T00:00:00.000Z"}));
  EXPECT_EQ(FormatRfc3339(*long_gap.next_fire), "2027-01-01T00:00:00.000Z");
}

TEST(MisfireTest, CatchUpFiresTheMostRecentWithinTheWindow) {
  const auto spec = Hourly();
  const auto outcome = ResolveMisfires(spec, Utc(2026, 1, 1, 2), Utc(2026, 1, 1, 10, 30),
                                       Policy(MisfirePolicy::Kind::kCatchUp, 3, hours(24)));
  EXPECT_EQ(Show(outcome.fire_now),
            (std::vector<std::string>{"2026-01-01T08:00:00.000Z", "2026-01-01T09:00:00.000Z",
                                      "2026-01-01T10:00:00.000Z"}));
  // The window bounds it: only 09:00 and 10:00 are within 2 hours of 10:30... and 08:30 is not
  // a fire time; the window start is inclusive.
  const auto windowed = ResolveMisfires(spec, Utc(2026, 1, 1, 2), Utc(2026, 1, 1, 10),
                                        Policy(MisfirePolicy::Kind::kCatchUp, 10, hours(2)));
  EXPECT_EQ(Show(windowed.fire_now),
            (std::vector<std::string>{"2026-01-01T08:00:00.000Z", "2026-01-01T09:00:00.000Z",
                                      "2026-01-01T10:00:00.000Z"}));
  // The last scheduled time bounds it too (exclusive).
  const auto since_last = ResolveMisfires(spec, Utc(2026, 1, 1, 8), Utc(2026, 1, 1, 10, 30),
                                          Policy(MisfirePolicy::Kind::kCatchUp, 10, hours(24)));
  EXPECT_EQ(Show(since_last.fire_now),
            (std::vector<std::string>{"2026-01-01T09:00:00.000Z", "2026-01-01T10:00:00.000Z"}));
  // A zero window still runs an on-time fire (grace).
  const auto zero = ResolveMisfires(spec, Utc(2026, 1, 1, 2), Utc(2026, 1, 1, 10, 0, 30),
                                    Policy(MisfirePolicy::Kind::kCatchUp, 10, seconds(0)));
  EXPECT_EQ(Show(zero.fire_now), (std::vector<std::string>{"2026-01-01T10:00:00.000Z"}));
}

TEST(MisfireTest, BoundedWorkAfterYearsOfDowntime) {
  const auto every_second = std::move(ScheduleSpec::FromCron("* * * * * *", "UTC")).value();
  const auto outcome = ResolveMisfires(every_second, Utc(2000, 1, 1), Utc(2026, 1, 1),
                                       Policy(MisfirePolicy::Kind::kCatchUp, 100, hours(24 * 31)));
  ASSERT_EQ(outcome.fire_now.size(), 100U);
  EXPECT_EQ(FormatRfc3339(outcome.fire_now.back()), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(outcome.fire_now.front()), "2025-12-31T23:58:21.000Z");
  const auto once = ResolveMisfires(every_second, Utc(2000, 1, 1), Utc(2026, 1, 1),
                                    Policy(MisfirePolicy::Kind::kRunOnce));
  EXPECT_EQ(Show(once.fire_now), (std::vector<std::string>{"2026-01-01T00:00:00.000Z"}));
}

TEST(MisfireTest, DstOverlapIsNotAMisfire) {
  // 01:30 New York fires once on 2026-11-01 (05:30Z); waking at 06:45Z (after the repeated
  // 01:30) finds only that one fire.
  const auto spec = std::move(ScheduleSpec::FromCron("30 1 * * *", "America/New_York")).value();
  const auto outcome = ResolveMisfires(spec, Utc(2026, 10, 31, 5, 30), Utc(2026, 11, 1, 6, 45),
                                       Policy(MisfirePolicy::Kind::kCatchUp, 5, hours(48)));
  EXPECT_EQ(Show(outcome.fire_now), (std::vector<std::string>{"2026-11-01T05:30:00.000Z"}));
}

TEST(MisfirePolicyJsonTest, RoundTrips) {
  auto skip = MisfirePolicyFromJson({{"policy", "skip"}});
  ASSERT_TRUE(skip.ok());
  EXPECT_EQ(skip->kind, MisfirePolicy::Kind::kSkip);
  EXPECT_EQ(skip->grace, seconds(60));
  EXPECT_EQ(MisfirePolicyToJson(*skip),
            (nlohmann::json{{"policy", "skip"}, {"grace_seconds", 60}}));
  auto once = MisfirePolicyFromJson({{"policy", "run_once"}, {"grace_seconds", 5}});
  ASSERT_TRUE(once.ok());
  EXPECT_EQ(once->kind, MisfirePolicy::Kind::kRunOnce);
  EXPECT_EQ(once->grace, seconds(5));
  const nlohmann::json catch_up = {
      {"policy", "catch_up"}, {"max", 3}, {"window_seconds", 3600}, {"grace_seconds", 60}};
  auto parsed = MisfirePolicyFromJson(catch_up);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->max, 3);
  EXPECT_EQ(parsed->window, hours(1));
  EXPECT_EQ(MisfirePolicyToJson(*parsed), catch_up);
}

TEST(MisfirePolicyJsonTest, ErrorsNameTheField) {
  auto field_of = [](const nlohmann::json& json) -> std::string {
    auto policy = MisfirePolicyFromJson(json);
    if (policy.ok()) return "<ok>";
    EXPECT_EQ(policy.error().code, ErrorCode::kValidation);
    return policy.error().details.at("field").get<std::string>();
  };
  EXPECT_EQ(field_of("skip"), "misfire");
  EXPECT_EQ(field_of(nlohmann::json::object()), "policy");
  EXPECT_EQ(field_of({{"policy", "sometimes"}}), "policy");
  EXPECT_EQ(field_of({{"policy", 1}}), "policy");
  EXPECT_EQ(field_of({{"policy", "skip"}, {"max", 3}}), "max");
  EXPECT_EQ(field_of({{"policy", "run_once"}, {"window_seconds", 3}}), "window_seconds");
  EXPECT_EQ(field_of({{"policy", "catch_up"}, {"window_seconds", 60}}), "max");
  EXPECT_EQ(field_of({{"policy", "catch_up"}, {"max", 0}, {"window_seconds", 60}}), "max");
  EXPECT_EQ(field_of({{"policy", "catch_up"}, {"max", 101}, {"window_seconds", 60}}), "max");
  EXPECT_EQ(field_of({{"policy", "catch_up"}, {"max", 1.5}, {"window_seconds", 60}}), "max");
  EXPECT_EQ(field_of({{"policy", "catch_up"}, {"max", 3}}), "window_seconds");
  EXPECT_EQ(field_of({{"policy", "catch_up"}, {"max", 3}, {"window_seconds", -1}}),
            "window_seconds");
  EXPECT_EQ(field_of({{"policy", "catch_up"}, {"max", 3}, {"window_seconds", 99999999}}),
            "window_seconds");
  EXPECT_EQ(field_of({{"policy", "skip"}, {"grace_seconds", "60"}}), "grace_seconds");
  EXPECT_EQ(field_of({{"policy", "skip"}, {"grace_seconds", 86401}}), "grace_seconds");
  EXPECT_EQ(field_of({{"policy", "skip"}, {"later", true}}), "later");
}

}  // namespace
}  // namespace batuta::scheduler
