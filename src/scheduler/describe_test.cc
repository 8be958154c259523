#include "scheduler/describe.h"

#include <gtest/gtest.h>

#include <string>

namespace batuta::scheduler {
namespace {

std::string En(const std::string& cron, const std::string& zone = "UTC") {
  return Describe(std::move(ScheduleSpec::FromCron(cron, zone)).value(), "en");
}
std::string Pt(const std::string& cron, const std::string& zone = "UTC") {
  return Describe(std::move(ScheduleSpec::FromCron(cron, zone)).value(), "pt-BR");
}

TEST(DescribeTest, WeekdayTimeSetInSaoPaulo) {
  auto set = WeekdayTimeSet::Create(
      {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday},
      {{12, 30}, {6, 0}});
  const auto spec =
      std::move(ScheduleSpec::FromTimeSet(std::move(set).value(), "America/Sao_Paulo")).value();
  EXPECT_EQ(Describe(spec, "en"), "every weekday at 06:00 and 12:30, São Paulo time");
  EXPECT_EQ(Describe(spec, "pt-BR"), "todo dia útil às 06:00 e 12:30, horário de São Paulo");
  auto weekend = WeekdayTimeSet::Create({date::Sunday, date::Saturday}, {{9, 0}});
  const auto weekend_spec =
      std::move(ScheduleSpec::FromTimeSet(std::move(weekend).value(), "UTC")).value();
  EXPECT_EQ(Describe(weekend_spec, "en"), "at 09:00 on Saturday and Sunday, UTC");
  EXPECT_EQ(Describe(weekend_spec, "pt-BR"), "às 09:00 aos sábados e aos domingos, UTC");
}

TEST(DescribeTest, CommonCronShapesInEnglish) {
  EXPECT_EQ(En("*/15 * * * *"), "every 15 minutes, UTC");
  EXPECT_EQ(En("* * * * *"), "every minute, UTC");
  EXPECT_EQ(En("30 2 1 * *"), "at 02:30 on day 1 of the month, UTC");
  EXPECT_EQ(En("5 * * * *"), "every hour at minute 5, UTC");
  EXPECT_EQ(En("@hourly"), "every hour, UTC");
  EXPECT_EQ(En("0 0 * * 0"), "at 00:00 on Sunday, UTC");
  EXPECT_EQ(En("0 0 * * 7"), "at 00:00 on Sunday, UTC");
  EXPECT_EQ(En("0 6 * * 1-5", "America/Sao_Paulo"), "every weekday at 06:00, São Paulo time");
  EXPECT_EQ(En("0 6,18 * * *", "America/New_York"), "every day at 06:00 and 18:00, New York time");
  EXPECT_EQ(En("0 */2 * * *"), "every 2 hours, UTC");
  EXPECT_EQ(En("10 */6 * * *"), "every 6 hours at minute 10, UTC");
  EXPECT_EQ(En("0 9 1,15 * *"), "at 09:00 on days 1 and 15 of the month, UTC");
  EXPECT_EQ(En("0 0 1 1 *"), "at 00:00 on day 1 of the month in January, UTC");
  EXPECT_EQ(En("0 0 13 * 5"), "at 00:00 on day 13 of the month or on Friday, UTC");
  EXPECT_EQ(En("*/10 * * * 1-5"), "every 10 minutes on weekdays, UTC");
  EXPECT_EQ(En("*/30 * * * * *"), "every 30 seconds, UTC");
  EXPECT_EQ(En("15 30 6 * * *"), "every day at 06:30:15, UTC");
}

TEST(DescribeTest, CommonCronShapesInPortuguese) {
  EXPECT_EQ(Pt("*/15 * * * *"), "a cada 15 minutos, UTC");
  EXPECT_EQ(Pt("30 2 1 * *"), "às 02:30 no dia 1 do mês, UTC");
  EXPECT_EQ(Pt("5 * * * *"), "a cada hora no minuto 5, UTC");
  EXPECT_EQ(Pt("0 0 * * 0"), "às 00:00 aos domingos, UTC");
  EXPECT_EQ(Pt("0 6 * * 1-5", "America/Sao_Paulo"), "todo dia útil às 06:00, horário de São Paulo");
  EXPECT_EQ(Pt("0 0 1 1,7 *", "America/Belem"),
            "às 00:00 no dia 1 do mês em janeiro e julho, horário de Belém");
  EXPECT_EQ(Pt("*/10 * * * 1-5"), "a cada 10 minutos em dias úteis, UTC");
  EXPECT_EQ(Pt("0 12 * * 1,3"), "às 12:00 às segundas e às quartas, UTC");
}

TEST(DescribeTest, ComplexExpressionsFallBackToFields) {
  EXPECT_EQ(En("*/7 1,3 * * *"),
            "minute 0,7,14,21,28,35,42,49,56; hour 1,3; every day; every month, UTC");
  EXPECT_EQ(Pt("*/7 1,3 * * *"),
            "minuto 0,7,14,21,28,35,42,49,56; hora 1,3; todo dia; todo mês, UTC");
  EXPECT_EQ(En("0 0 */2 * 1-5"),
            "minute 0; hour 0; day of month 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 and day "
            "of week Mon-Fri; every month, UTC");
  EXPECT_EQ(En("1-5 * * 2-4 *"), "minute 1-5; every hour; every day; month 2-4, UTC");
}

TEST(DescribeTest, ZoneCityNames) {
  EXPECT_EQ(ZoneCityName("America/Sao_Paulo"), "São Paulo");
  EXPECT_EQ(ZoneCityName("America/Argentina/Buenos_Aires"), "Buenos Aires");
  EXPECT_EQ(ZoneCityName("Europe/London"), "London");
  EXPECT_EQ(ZoneCityName("Etc/UTC"), "UTC");
  EXPECT_EQ(ZoneCityName("UTC"), "UTC");
  EXPECT_EQ(ZoneCityName("America/Bogota"), "Bogotá");
}

TEST(DescribeTest, UnknownLanguageIsEnglish) {
  EXPECT_EQ(Describe(std::move(ScheduleSpec::FromCron("@daily", "UTC")).value(), "fr"),
            "every day at 00:00, UTC");
}

}  // namespace
}  // namespace batuta::scheduler
