#include "runners/accumulate.h"

#include <gtest/gtest.h>

namespace batuta::runners {
namespace {

TEST(CanonicalDateTest, ReadsTheFormatsBack) {
  EXPECT_EQ(CanonicalDate("05/06/2026", "%d/%m/%Y"), "2026-06-05");
  EXPECT_EQ(CanonicalDate("2026-06-05", "%Y-%m-%d"), "2026-06-05");
  EXPECT_EQ(CanonicalDate("05/06/2026 13:45:10", "%d/%m/%Y %H:%M:%S"), "2026-06-05");
  EXPECT_EQ(CanonicalDate("2026-06-05 13:45:10.123", "%Y-%m-%d %H:%M:%S.%f"), "2026-06-05");
  EXPECT_FALSE(CanonicalDate("5/6/2026", "%d/%m/%Y").has_value());
  EXPECT_FALSE(CanonicalDate("", "%d/%m/%Y").has_value());
  EXPECT_FALSE(CanonicalDate("13:45", "%H:%M").has_value());
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
