#include "formats/datetime_format.h"

#include <gtest/gtest.h>

#include <string>

namespace batuta::formats {
namespace {

using Kind = DateTimeFormat::Kind;

std::string Render(std::string_view format, Kind kind, std::string_view value) {
  auto compiled = DateTimeFormat::Compile(format, kind);
  EXPECT_TRUE(compiled.ok()) << compiled.error().message;
  std::string out = "<";
  if (!compiled->Render(value, out)) return "not canonical";
  return out;
}

TEST(DateTimeFormat, SlicesCanonicalValues) {
  EXPECT_EQ(Render("%d/%m/%Y", Kind::kDate, "2024-03-09"), "<09/03/2024");
  EXPECT_EQ(Render("%Y%m%d 100%%", Kind::kDate, "2024-03-09"), "<20240309 100%");
  EXPECT_EQ(Render("%Hh%M", Kind::kTime, "08:05:09.25"), "<08h05");
  EXPECT_EQ(Render("%H:%M:%S.%f", Kind::kTime, "08:05:09.25"), "<08:05:09.25");
  EXPECT_EQ(Render("%H:%M:%S.%f", Kind::kTime, "08:05:09"), "<08:05:09.");
  EXPECT_EQ(Render("%d/%m/%Y %H:%M:%S", Kind::kTimestamp, "2024-12-31 23:59:58.999"),
            "<31/12/2024 23:59:58");
  EXPECT_EQ(Render("%Y-%m-%dT%H:%M:%S%f", Kind::kTimestamp, "2024-12-31T23:59:58.5"),
            "<2024-12-31T23:59:585");
}

// %.f is the fraction with its dot, or nothing: never a dangling dot.
TEST(DateTimeFormat, DotFractionAppearsOnlyWithAFraction) {
  EXPECT_EQ(Render("%Hh%M%.f", Kind::kTime, "08:05:09.25"), "<08h05.25");
  EXPECT_EQ(Render("%Hh%M%.f", Kind::kTime, "08:05:09"), "<08h05");
  EXPECT_EQ(Render("%d/%m/%Y %H:%M:%S%.f", Kind::kTimestamp, "2024-12-31 23:59:58.000123"),
            "<31/12/2024 23:59:58.000123");
  EXPECT_EQ(Render("%d/%m/%Y %H:%M:%S%.f", Kind::kTimestamp, "2024-12-31 23:59:58"),
            "<31/12/2024 23:59:58");
  // The defaults are the canonical forms: a rendering is the whole value ('T' made ' ').
  EXPECT_EQ(Render("%H:%M:%S%.f", Kind::kTime, "24:00:00"), "<24:00:00");
  EXPECT_EQ(Render("%H:%M:%S%.f", Kind::kTime, "08:05:09.5"), "<08:05:09.5");
  EXPECT_EQ(Render("%Y-%m-%d %H:%M:%S%.f", Kind::kTimestamp, "2024-12-31T23:59:58.999"),
            "<2024-12-31 23:59:58.999");
  EXPECT_EQ(Render("%Y-%m-%d %H:%M:%S%.f", Kind::kTimestamp, "2024-12-31 23:59:58"),
            "<2024-12-31 23:59:58");
  EXPECT_EQ(Render("%Y-%m-%d %H:%M:%S%.f", Kind::kTimestamp, "2024-12-31 23:59:58."),
            "not canonical");
  EXPECT_FALSE(DateTimeFormat::Compile("%Y-%m-%d%.f", Kind::kDate).ok());
  EXPECT_FALSE(DateTimeFormat::Compile("%H%.x", Kind::kTime).ok());
  EXPECT_FALSE(DateTimeFormat::Compile("%H%.", Kind::kTime).ok());
}

// The canonical forms less the fraction: a rendering is the value's start.
TEST(DateTimeFormat, CanonicalFormatsCopyTheValuesStart) {
  EXPECT_EQ(Render("%Y-%m-%d", Kind::kDate, "2024-03-09"), "<2024-03-09");
  EXPECT_EQ(Render("%H:%M:%S", Kind::kTime, "08:05:09.25"), "<08:05:09");
  EXPECT_EQ(Render("%H:%M:%S", Kind::kTime, "24:00:00"), "<24:00:00");
  EXPECT_EQ(Render("%Y-%m-%d %H:%M:%S", Kind::kTimestamp, "2024-12-31 23:59:58.999"),
            "<2024-12-31 23:59:58");
  EXPECT_EQ(Render("%Y-%m-%d %H:%M:%S", Kind::kTimestamp, "2024-12-31T23:59:58"),
            "<2024-12-31 23:59:58");
  EXPECT_EQ(Render("%Y-%m-%d %H:%M:%S", Kind::kTimestamp, "2024-12-31 23:59"), "not canonical");
  EXPECT_EQ(Render("%Y-%m-%d", Kind::kDate, "infinity"), "not canonical");
}

TEST(DateTimeFormat, RefusesValuesNotInCanonicalForm) {
  EXPECT_EQ(Render("%d", Kind::kDate, "2024-3-09"), "not canonical");
  EXPECT_EQ(Render("%d", Kind::kDate, "2024-03-09 "), "not canonical");
  EXPECT_EQ(Render("%d", Kind::kDate, "infinity"), "not canonical");
  EXPECT_EQ(Render("%H", Kind::kTime, "08:05"), "not canonical");
  EXPECT_EQ(Render("%H", Kind::kTime, "08:05:09."), "not canonical");
  EXPECT_EQ(Render("%H", Kind::kTime, "08:05:09+03"), "not canonical");
  EXPECT_EQ(Render("%H", Kind::kTimestamp, "2024-03-09"), "not canonical");
  EXPECT_EQ(Render("%H", Kind::kTimestamp, "2024-03-09X08:05:09"), "not canonical");
}

TEST(DateTimeFormat, CompileRefusesDirectivesOfTheWrongKind) {
  EXPECT_FALSE(DateTimeFormat::Compile("%d %H", Kind::kDate).ok());
  EXPECT_FALSE(DateTimeFormat::Compile("%H %d", Kind::kTime).ok());
  EXPECT_FALSE(DateTimeFormat::Compile("%Y %q", Kind::kTimestamp).ok());
  EXPECT_FALSE(DateTimeFormat::Compile("%Y %", Kind::kTimestamp).ok());
  EXPECT_FALSE(DateTimeFormat::Compile("", Kind::kDate).ok());
  const auto error = DateTimeFormat::Compile("%e", Kind::kDate);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().message, "%e is not a directive of a date format (use %Y %m %d %%)");
}

}  // namespace
}  // namespace batuta::formats
