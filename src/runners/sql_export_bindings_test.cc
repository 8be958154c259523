#include "runners/sql_export_bindings.h"

#include <gtest/gtest.h>

#include "scheduler/schedule_spec.h"

namespace batuta::runners {
namespace {

using std::chrono::hours;

constexpr auto kStyle = sources::PlaceholderStyle::kDollarNumbered;

const date::time_zone& SaoPaulo() { return **scheduler::LocateZone("America/Sao_Paulo"); }

TEST(RunDatesTest, AreComputedInTheZone) {
  // 2026-03-01 01:30 UTC is still 2026-02-28 in São Paulo (UTC-3).
  const TimePoint reference =
      std::chrono::sys_days(std::chrono::year{2026} / 3 / 1) + hours(1) + std::chrono::minutes(30);
  const RunDates dates = ComputeRunDates(reference, SaoPaulo(), 3);
  EXPECT_EQ(FormatDate(dates.today), "2026-02-28");
  EXPECT_EQ(FormatDate(dates.yesterday), "2026-02-27");
  EXPECT_EQ(FormatDate(dates.window_start), "2026-02-25");
  EXPECT_EQ(FormatDate(dates.month_start), "2026-02-01");
  EXPECT_EQ(FormatDate(dates.previous_month_start), "2026-01-01");
  EXPECT_EQ(FormatDate(dates.previous_month_end), "2026-01-31");
  EXPECT_EQ(dates.now, "2026-02-28 22:30:00");
}

TEST(RunDatesTest, PreviousMonthOfJanuaryIsDecember) {
  const TimePoint reference = std::chrono::sys_days(std::chrono::year{2027} / 1 / 15) + hours(12);
  const RunDates dates = ComputeRunDates(reference, SaoPaulo(), 0);
  EXPECT_EQ(FormatDate(dates.previous_month_start), "2026-12-01");
  EXPECT_EQ(FormatDate(dates.previous_month_end), "2026-12-31");
  EXPECT_EQ(FormatDate(dates.window_start), "2027-01-15");
}

TEST(BuildBindingsTest, BindsParametersAndBuiltInsByName) {
  const TimePoint reference = std::chrono::sys_days(std::chrono::year{2026} / 5 / 6) + hours(12);
  const RunDates dates = ComputeRunDates(reference, SaoPaulo(), 0);
  runs::ParameterSpec hospital;
  hospital.name = "hospital";
  runs::ParameterSpec limit;
  limit.name = "limit";
  limit.type = runs::ParameterSpec::Type::kInteger;
  auto binds = BuildBindings(
      "SELECT * FROM t WHERE h = :hospital AND d = :yesterday AND d > :days_ago_30 "
      "AND n < :limit AND s = ':not_a_parameter' -- :neither\n AND x::text = :hospital",
      kStyle, {{"hospital", "HMS'; DROP TABLE t; --"}, {"limit", 5}}, {hospital, limit}, dates);
  ASSERT_TRUE(binds.ok()) << binds.error().message;
  std::map<std::string, sources::BindValue> by_name;
  for (const auto& bind : *binds) by_name[bind.name] = bind;
  ASSERT_EQ(by_name.size(), 4u);
  EXPECT_EQ(by_name["hospital"].text, "HMS'; DROP TABLE t; --");
  EXPECT_EQ(by_name["hospital"].type, rows::ColumnType::kText);
  EXPECT_EQ(by_name["yesterday"].text, "2026-05-05");
  EXPECT_EQ(by_name["yesterday"].type, rows::ColumnType::kDate);
  EXPECT_EQ(by_name["days_ago_30"].text, "2026-04-06");
  EXPECT_EQ(by_name["limit"].text, "5");
  EXPECT_EQ(by_name["limit"].type, rows::ColumnType::kInteger);
}

TEST(BuildBindingsTest, AnUnknownNameIsRefusedNamingIt) {
  const RunDates dates = ComputeRunDates(TimePoint{}, SaoPaulo(), 0);
  auto binds = BuildBindings("SELECT :mystery", kStyle, nlohmann::json::object(), {}, dates);
  ASSERT_FALSE(binds.ok());
  EXPECT_EQ(binds.error().code, ErrorCode::kValidation);
  EXPECT_NE(binds.error().message.find(":mystery"), std::string::npos);
  EXPECT_NE(binds.error().message.find(":yesterday"), std::string::npos);
  EXPECT_FALSE(
      BuildBindings("SELECT :days_ago_x", kStyle, nlohmann::json::object(), {}, dates).ok());
  EXPECT_FALSE(
      BuildBindings("SELECT :days_ago_99999", kStyle, nlohmann::json::object(), {}, dates).ok());
}

TEST(BuildBindingsTest, AMissingOptionalParameterIsNull) {
  const RunDates dates = ComputeRunDates(TimePoint{}, SaoPaulo(), 0);
  runs::ParameterSpec unit;
  unit.name = "unit";
  auto binds = BuildBindings("SELECT :unit", kStyle, nlohmann::json::object(), {unit}, dates);
  ASSERT_TRUE(binds.ok());
  ASSERT_EQ(binds->size(), 1u);
  EXPECT_TRUE((*binds)[0].is_null);
}

}  // namespace
}  // namespace batuta::runners
