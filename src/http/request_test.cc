#include "http/request.h"

#include <gtest/gtest.h>

namespace batuta::http {
namespace {

TEST(RequestTest, HeadersAreCaseInsensitive) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}, {"X-Api-Key", "k"}};
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("X-API-KEY"), "k");
  EXPECT_FALSE(request.Header("Accept").has_value());
}

TEST(RequestTest, QueryParamsAreDecoded) {
  Request request;
  request.query = "status=failed&job=nightly%20export&q=a+b&flag&status=ok";
  EXPECT_EQ(request.QueryParam("status"), "failed");
  EXPECT_EQ(request.QueryParam("job"), "nightly export");
  EXPECT_EQ(request.QueryParam("q"), "a b");
  EXPECT_EQ(request.QueryParam("flag"), "");
  EXPECT_FALSE(request.QueryParam("missing").has_value());
}

TEST(PercentDecodeTest, RejectsMalformedAndNul) {
  EXPECT_EQ(PercentDecode("/a%2Fb", false), "/a/b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_FALSE(PercentDecode("%", false));
  EXPECT_FALSE(PercentDecode("%4", false));
  EXPECT_FALSE(PercentDecode("%zz", false));
  EXPECT_FALSE(PercentDecode("a%00b", false));
  EXPECT_EQ(PercentDecode("%41", false), "A");
}

TEST(MethodTest, RoundTrips) {
  for (auto m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch,
                 Method::kDelete, Method::kOptions}) {
    EXPECT_EQ(ParseMethod(MethodName(m)), m);
  }
  EXPECT_EQ(ParseMethod("PROPFIND"), Method::kOther);
}

}  // namespace
}  // namespace batuta::http
