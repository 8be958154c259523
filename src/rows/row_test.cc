#include "rows/row.h"

#include <gtest/gtest.h>

namespace batuta::rows {
namespace {

TEST(ColumnTypeTest, NamesRoundTrip) {
  for (ColumnType type :
       {ColumnType::kText, ColumnType::kInteger, ColumnType::kNumber, ColumnType::kBoolean,
        ColumnType::kDate, ColumnType::kTime, ColumnType::kTimestamp, ColumnType::kBytes}) {
    EXPECT_EQ(ParseColumnType(ColumnTypeName(type)), type);
  }
  EXPECT_EQ(ColumnTypeName(ColumnType::kTimestamp), "timestamp");
  EXPECT_FALSE(ParseColumnType("varchar").has_value());
  EXPECT_FALSE(ParseColumnType("").has_value());
}

}  // namespace
}  // namespace batuta::rows
