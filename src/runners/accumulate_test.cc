#include "runners/accumulate.h"

#include <gtest/gtest.h>

namespace batuta::runners {
namespace {

std::optional<std::string> DayOf(std::string_view text, std::string_view format,
                                 rows::ColumnType type = rows::ColumnType::kDate) {
  return CanonicalDate(text, datasets::TemporalFormat(format, type));
}

TEST(CanonicalDateTest, ReadsTheFormatsBack) {
  using rows::ColumnType;
  EXPECT_EQ(DayOf("05/06/2026", "%d/%m/%Y"), "2026-06-05");
  EXPECT_EQ(DayOf("2026-06-05", "%Y-%m-%d"), "2026-06-05");
  EXPECT_EQ(DayOf("05/06/2026 13:45:10", "%d/%m/%Y %H:%M:%S", ColumnType::kTimestamp),
            "2026-06-05");
  EXPECT_EQ(DayOf("2026-06-05 13:45:10.123", "%Y-%m-%d %H:%M:%S.%f", ColumnType::kTimestamp),
            "2026-06-05");
  // %.f, the defaults' ending, with and without a fraction, in a format not starting ISO.
  EXPECT_EQ(DayOf("05/06/2026 13:45:10.5", "%d/%m/%Y %H:%M:%S%.f", ColumnType::kTimestamp),
            "2026-06-05");
  EXPECT_EQ(DayOf("05/06/2026 13:45:10", "%d/%m/%Y %H:%M:%S%.f", ColumnType::kTimestamp),
            "2026-06-05");
  EXPECT_FALSE(DayOf("5/6/2026", "%d/%m/%Y").has_value());
  EXPECT_FALSE(DayOf("", "%d/%m/%Y").has_value());
  EXPECT_FALSE(DayOf("13:45", "%H:%M").has_value());
  EXPECT_FALSE(DayOf("31/13/2026", "%d/%m/%Y").has_value());  // no month 13
}

TEST(RowKeyTest, JoinsTheKeyCellsAndTellsNullFromEmpty) {
  const std::vector<rows::Cell> a{rows::Cell::Of("1"), rows::Cell::Of("x"), rows::Cell::Null()};
  const std::vector<rows::Cell> b{rows::Cell::Of("1"), rows::Cell::Of("y"), rows::Cell::Of("")};
  EXPECT_EQ(RowKey(a, {0}), RowKey(b, {0}));
  EXPECT_NE(RowKey(a, {0, 1}), RowKey(b, {0, 1}));
  EXPECT_NE(RowKey(a, {2}), RowKey(b, {2}));
}

TEST(ColumnIndexesTest, NamesAMissingColumn) {
  const std::vector<rows::Column> columns{{"id", rows::ColumnType::kInteger, ""},
                                          {"dia", rows::ColumnType::kDate, ""}};
  auto found = ColumnIndexes(columns, {"dia", "id"}, "config.output.key");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, (std::vector<std::size_t>{1, 0}));
  auto missing = ColumnIndexes(columns, {"cpf"}, "config.output.key");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().details["field"], "config.output.key");
  EXPECT_NE(missing.error().message.find("cpf"), std::string::npos);
}

}  // namespace
}  // namespace batuta::runners
