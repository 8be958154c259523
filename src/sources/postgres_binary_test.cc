#include "sources/postgres_binary.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>

#include "sources/postgres_wire_testing.h"

namespace batuta::sources {
namespace {

using testing::BigEndian;

std::string Int16(int value) { return BigEndian(static_cast<std::uint16_t>(value), 2); }

// numeric_send's layout.
std::string Numeric(int weight, int sign, int scale, std::initializer_list<int> digits) {
  std::string bytes =
      Int16(static_cast<int>(digits.size())) + Int16(weight) + Int16(sign) + Int16(scale);
  for (const int digit : digits) bytes += Int16(digit);
  return bytes;
}

std::optional<std::string> Render(BinaryFormat format, const std::string& value) {
  std::string out = "kept|";
  if (!RenderBinaryValue(format, value, out)) {
    EXPECT_EQ(out, "kept|") << "a failed rendering appends nothing";
    return std::nullopt;
  }
  EXPECT_TRUE(out.starts_with("kept|"));
  return out.substr(5);
}

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

std::string Days(std::int64_t days) { return BigEndian(static_cast<std::uint32_t>(days), 4); }
std::string Micros(std::int64_t micros) { return BigEndian(static_cast<std::uint64_t>(micros), 8); }

TEST(PostgresBinaryTest, IntegersAndBooleans) {
  EXPECT_EQ(Render(BinaryFormat::kInt2, Int16(-32768)), "-32768");
  EXPECT_EQ(Render(BinaryFormat::kInt4, BigEndian(0x7FFFFFFF, 4)), "2147483647");
  EXPECT_EQ(Render(BinaryFormat::kInt4, BigEndian(0xFFFFFFFF, 4)), "-1");
  EXPECT_EQ(Render(BinaryFormat::kInt8, BigEndian(0x8000000000000000ULL, 8)),
            "-9223372036854775808");
  EXPECT_EQ(Render(BinaryFormat::kOid, BigEndian(0xFFFFFFFF, 4)), "4294967295");
  EXPECT_EQ(Render(BinaryFormat::kBoolean, std::string(1, '\1')), "true");
  EXPECT_EQ(Render(BinaryFormat::kBoolean, std::string(1, '\0')), "false");
}

TEST(PostgresBinaryTest, NumericsPrintTheirScale) {
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0, 0, {})), "0");
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0, 2, {})), "0.00");
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0, 2, {12, 5000})), "12.50");
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0x4000, 2, {4999, 9900})), "-4999.99");
  // 123456789.000001: groups 1 2345 6789 . 0000 0100
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(2, 0, 6, {1, 2345, 6789, 0, 100})),
            "123456789.000001");
  // -0.000001: the first digit group is after the point
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(-2, 0x4000, 6, {100})), "-0.000001");
  // 10000000000 (weight 2, trailing zero groups not sent)
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(2, 0, 0, {100})), "10000000000");
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0xC000, 0, {})), "NaN");
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0xD000, 0, {})), "Infinity");
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0xF000, 0, {})), "-Infinity");
}

TEST(PostgresBinaryTest, DatesCountFrom2000AndGoBeforeChrist) {
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(0)), "2000-01-01");
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(-1)), "1999-12-31");
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(59)), "2000-02-29");
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(-10957)), "1970-01-01");
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(-730119)), "0001-01-01");
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(-730120)), "0001-12-31 BC");
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(-2451545)), "4714-11-24 BC");  // Julian day 0
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(2921940)), "10000-01-01");
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(std::numeric_limits<std::int32_t>::max())),
            "infinity");
  EXPECT_EQ(Render(BinaryFormat::kDate, Days(std::numeric_limits<std::int32_t>::min())),
            "-infinity");
}

TEST(PostgresBinaryTest, TimesTrimTheirFraction) {
  EXPECT_EQ(Render(BinaryFormat::kTime, Micros(0)), "00:00:00");
  EXPECT_EQ(Render(BinaryFormat::kTime, Micros(45'296'500'000)), "12:34:56.5");
  EXPECT_EQ(Render(BinaryFormat::kTime, Micros(45'296'000'001)), "12:34:56.000001");
  EXPECT_EQ(Render(BinaryFormat::kTime, Micros(kMicrosPerDay)), "24:00:00");
  EXPECT_EQ(Render(BinaryFormat::kTime, Micros(kMicrosPerDay + 1)), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kTime, Micros(-1)), std::nullopt);
}

TEST(PostgresBinaryTest, TimestampsBeforeAndAfter2000) {
  EXPECT_EQ(Render(BinaryFormat::kTimestamp, Micros(0)), "2000-01-01 00:00:00");
  EXPECT_EQ(Render(BinaryFormat::kTimestamp, Micros(-1)), "1999-12-31 23:59:59.999999");
  EXPECT_EQ(Render(BinaryFormat::kTimestamp, Micros(kMicrosPerDay * 59 + 3'600'000'000 + 250)),
            "2000-02-29 01:00:00.00025");
  EXPECT_EQ(Render(BinaryFormat::kTimestamp, Micros(-730120 * kMicrosPerDay + 1'000'000)),
            "0001-12-31 00:00:01 BC");
  EXPECT_EQ(Render(BinaryFormat::kTimestamp, Micros(std::numeric_limits<std::int64_t>::max())),
            "infinity");
  EXPECT_EQ(Render(BinaryFormat::kTimestamp, Micros(std::numeric_limits<std::int64_t>::min())),
            "-infinity");
}

TEST(PostgresBinaryTest, DateMemoGivesTheSameRenderingAsWithout) {
  DateMemo memo;
  char out[64];
  const auto render = [&](std::int64_t micros, DateMemo* with) {
    const std::string value = Micros(micros);
    char* end = RenderBinaryInto(BinaryFormat::kTimestamp, value, out, with);
    return std::string(out, end == nullptr ? out : end);
  };
  for (const std::int64_t micros :
       {std::int64_t{0}, std::int64_t{1'000'000}, kMicrosPerDay, std::int64_t{-1},
        -730120 * kMicrosPerDay, -730120 * kMicrosPerDay + 5, std::int64_t{0}}) {
    EXPECT_EQ(render(micros, &memo), render(micros, nullptr)) << micros;
  }
}

TEST(PostgresBinaryTest, TextBytesAndUuids) {
  EXPECT_EQ(Render(BinaryFormat::kText, "a,b\n\"c\" é"), "a,b\n\"c\" é");
  EXPECT_EQ(Render(BinaryFormat::kText, ""), "");
  EXPECT_EQ(Render(BinaryFormat::kJsonb, "\1{\"a\": 1}"), "{\"a\": 1}");
  EXPECT_EQ(Render(BinaryFormat::kBytes, std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(Render(BinaryFormat::kBytes, ""), "");
  EXPECT_EQ(Render(BinaryFormat::kUuid, std::string("\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d"
                                                    "\x6b\xb9\xbd\x38\x0a\x11",
                                                    16)),
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

TEST(PostgresBinaryTest, MalformedValuesAreRefused) {
  EXPECT_EQ(Render(BinaryFormat::kInt4, "abc"), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kInt8, ""), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kBoolean, ""), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kDate, "12345"), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kTimestamp, "1234"), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kUuid, std::string(15, 'x')), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kJsonb, "\2{}"), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kJsonb, ""), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kNumeric, "1234567"), std::nullopt);  // short
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0, 0, {1}).substr(0, 9)), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0, 0, {10000})), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0x1234, 0, {1})), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kNumeric, Numeric(0, 0, -1, {1})), std::nullopt);
  EXPECT_EQ(Render(BinaryFormat::kNone, "x"), std::nullopt);
}

}  // namespace
}  // namespace batuta::sources
