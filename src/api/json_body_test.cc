#include "api/json_body.h"

#include <gtest/gtest.h>

namespace batuta::api {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

http::Request JsonRequest(std::string body, std::string type = "application/json") {
  http::Request request;
  request.method = http::Method::kPost;
  request.headers.emplace_back("Content-Type", std::move(type));
  request.body = std::move(body);
  return request;
}

TEST(JsonBodyTest, AcceptsAJsonObjectWithACharset) {
  auto body = JsonObjectBody(JsonRequest(R"({"a":1})", "application/json; charset=utf-8"));
  ASSERT_TRUE(body.ok());
  EXPECT_EQ((*body)["a"], 1);
}

TEST(JsonBodyTest, RefusesOtherMediaTypesMalformedJsonAndNonObjects) {
  EXPECT_EQ(JsonObjectBody(JsonRequest("{}", "text/plain")).error().code,
            ErrorCode::kUnsupportedMedia);
  http::Request no_type;
  EXPECT_EQ(JsonObjectBody(no_type).error().code, ErrorCode::kUnsupportedMedia);
  EXPECT_EQ(JsonObjectBody(JsonRequest("{\"a\":")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(JsonObjectBody(JsonRequest("[1,2]")).error().code, ErrorCode::kInvalidArgument);
}

TEST(JsonBodyTest, FieldReadersNameTheFieldOnAWrongType) {
  const auto body = nlohmann::json::parse(
      R"({"name":"x","count":3,"flag":true,"list":["a","b"],"mixed":["a",1],"nothing":null})");
  EXPECT_EQ(*RequiredString(body, "name"), "x");
  const auto missing = RequiredString(body, "absent");
  EXPECT_EQ(missing.error().code, ErrorCode::kValidation);
  EXPECT_EQ(missing.error().details["field"], "absent");
  EXPECT_EQ(RequiredString(body, "count").error().details["field"], "count");
  EXPECT_FALSE(OptionalString(body, "nothing")->has_value()) << "null reads as absent";
  EXPECT_EQ(**OptionalBool(body, "flag"), true);
  EXPECT_EQ(OptionalBool(body, "name").error().details["field"], "name");
  EXPECT_EQ(**OptionalStringList(body, "list"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(OptionalStringList(body, "mixed").error().details["field"], "mixed");
  EXPECT_EQ(OptionalTime(nlohmann::json{{"t", "soon"}}, "t").error().details["field"], "t");
}

TEST(JsonBodyTest, ParsesRfc3339WithFractionsAndOffsets) {
  const TimePoint midnight = std::chrono::sys_days(std::chrono::year{2026} / 12 / 31);
  EXPECT_EQ(ParseRfc3339("2026-12-31T00:00:00Z"), midnight);
  EXPECT_EQ(ParseRfc3339("2026-12-31t00:00:00z"), midnight);
  EXPECT_EQ(ParseRfc3339("2026-12-31T00:00:00.250Z"), midnight + milliseconds(250));
  EXPECT_EQ(ParseRfc3339("2026-12-31T00:00:00-03:00"), midnight + hours(3));
  EXPECT_EQ(ParseRfc3339("2026-12-31T05:30:00+05:30"), midnight);
  EXPECT_EQ(ParseRfc3339("2026-12-31T00:00:00+00:45"), midnight - minutes(45));
}

TEST(JsonBodyTest, RefusesMalformedTimes) {
  for (const char* text :
       {"", "2026-12-31", "2026-12-31 00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-31T24:00:00Z",
        "2026-12-31T00:00:00", "2026-12-31T00:00:00.Z", "2026-12-31T00:00:00+0300",
        "2026-12-31T00:00:00Zjunk", "20x6-12-31T00:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace batuta::api
