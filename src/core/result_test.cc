#include "core/result.h"

#include <gtest/gtest.h>

namespace batuta {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Error::InvalidArgument("odd");
  return n / 2;
}

Status HalfTwice(int n, int* out) {
  auto once = Half(n);
  BATUTA_RETURN_IF_ERROR(once);
  auto twice = Half(*once);
  BATUTA_RETURN_IF_ERROR(twice);
  *out = *twice;
  return Ok();
}

TEST(ResultTest, CarriesValueOrError) {
  const auto good = Half(8);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 4);
  const auto bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "odd");
}

TEST(ResultTest, ReturnIfErrorPropagates) {
  int out = 0;
  EXPECT_TRUE(HalfTwice(8, &out).ok());
  EXPECT_EQ(out, 2);
  const auto status = HalfTwice(6, &out);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "odd");
}

TEST(ErrorTest, EveryCodeHasAStatusAndAName) {
  EXPECT_EQ(HttpStatusOf(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kValidation), 422);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(ErrorCodeName(ErrorCode::kHeadersTooLarge), "headers_too_large");
  EXPECT_EQ(Error::Validation("name", "required").details["field"], "name");
}

}  // namespace
}  // namespace batuta
