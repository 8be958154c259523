#include "scheduler/schedule_spec.h"

#include <gtest/gtest.h>

namespace batuta::scheduler {
namespace {

std::string FieldOf(const nlohmann::json& json) {
  auto spec = ScheduleSpecFromJson(json);
  if (spec.ok()) return "<ok>";
  EXPECT_EQ(spec.error().code, ErrorCode::kValidation);
  return spec.error().details.at("field").get<std::string>();
}

TEST(ScheduleSpecTest, CronInAZone) {
  auto spec = ScheduleSpec::FromCron("0 6 * * 1-5", "America/Sao_Paulo");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->timezone(), "America/Sao_Paulo");
  EXPECT_EQ(spec->zone().name(), "America/Sao_Paulo");
  EXPECT_FALSE(spec->follows_absolute_time());
  EXPECT_TRUE(ScheduleSpec::FromCron("0 * * * *", "UTC")->follows_absolute_time());
}

TEST(ScheduleSpecTest, UnknownOrMalformedZones) {
  for (const char* zone : {"Mars/Olympus_Mons", "", "../../etc/passwd", "/etc/localtime",
                           "America/Sao Paulo", "Europe/\xc3\xa9"}) {
    auto spec = ScheduleSpec::FromCron("* * * * *", zone);
    ASSERT_FALSE(spec.ok()) << zone;
    EXPECT_EQ(spec.error().code, ErrorCode::kValidation);
    EXPECT_EQ(spec.error().details.at("field"), "timezone");
  }
  EXPECT_EQ(ScheduleSpec::FromCron("* * * * *", "Mars/Olympus_Mons").error().message,
            "unknown time zone 'Mars/Olympus_Mons'");
  EXPECT_FALSE(ScheduleSpec::FromCron("* * * * *", std::string(65, 'A')).ok());
}

TEST(ScheduleSpecTest, CronJsonRoundTrip) {
  const nlohmann::json json = {{"cron", "0 6 * * 1-5"}, {"timezone", "America/Sao_Paulo"}};
  auto spec = ScheduleSpecFromJson(json);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(ScheduleSpecToJson(*spec), json);
}

TEST(ScheduleSpecTest, TimeSetJsonRoundTrip) {
  auto spec = ScheduleSpecFromJson({{"weekdays", {"SUN", "mon", "fri"}},
                                    {"times", {"12:30", "06:00"}},
                                    {"timezone", "America/Sao_Paulo"}});
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_FALSE(spec->follows_absolute_time());
  const nlohmann::json expected = {{"weekdays", {"mon", "fri", "sun"}},
                                   {"times", {"06:00", "12:30"}},
                                   {"timezone", "America/Sao_Paulo"}};
  EXPECT_EQ(ScheduleSpecToJson(*spec), expected);
}

TEST(ScheduleSpecTest, JsonErrorsNameTheField) {
  EXPECT_EQ(FieldOf(nlohmann::json::array()), "schedule");
  EXPECT_EQ(FieldOf({{"cron", "* * * * *"}}), "timezone");
  EXPECT_EQ(FieldOf({{"cron", "* * * * *"}, {"timezone", 3}}), "timezone");
  EXPECT_EQ(FieldOf({{"cron", "* * * * *"}, {"timezone", "Nowhere/Town"}}), "timezone");
  EXPECT_EQ(FieldOf({{"cron", "0 25 * * *"}, {"timezone", "UTC"}}), "cron");
  EXPECT_EQ(FieldOf({{"cron", 5}, {"timezone", "UTC"}}), "cron");
  EXPECT_EQ(FieldOf({{"timezone", "UTC"}}), "cron");
  EXPECT_EQ(FieldOf({{"cron", "* * * * *"}, {"times", {"06:00"}}, {"timezone", "UTC"}}), "cron");
  EXPECT_EQ(FieldOf({{"cron", "* * * * *"}, {"timezone", "UTC"}, {"enabled", true}}), "enabled");
  EXPECT_EQ(FieldOf({{"times", {"06:00"}}, {"timezone", "UTC"}}), "weekdays");
  EXPECT_EQ(FieldOf({{"weekdays", {"mon"}}, {"timezone", "UTC"}}), "times");
  EXPECT_EQ(FieldOf({{"weekdays", {"mon"}}, {"times", "06:00"}, {"timezone", "UTC"}}), "times");
  EXPECT_EQ(FieldOf({{"weekdays", {"moon"}}, {"times", {"06:00"}}, {"timezone", "UTC"}}),
            "weekdays");
  EXPECT_EQ(FieldOf({{"weekdays", {1}}, {"times", {"06:00"}}, {"timezone", "UTC"}}), "weekdays");
  EXPECT_EQ(FieldOf({{"weekdays", {"mon"}}, {"times", {"6am"}}, {"timezone", "UTC"}}), "times");
  EXPECT_EQ(FieldOf({{"weekdays", {"mon"}}, {"times", {600}}, {"timezone", "UTC"}}), "times");
  EXPECT_EQ(
      FieldOf({{"weekdays", nlohmann::json::array()}, {"times", {"06:00"}}, {"timezone", "UTC"}}),
      "weekdays");
  EXPECT_EQ(FieldOf({{"weekdays", {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "mon"}},
                     {"times", {"06:00"}},
                     {"timezone", "UTC"}}),
            "weekdays");
}

}  // namespace
}  // namespace batuta::scheduler
