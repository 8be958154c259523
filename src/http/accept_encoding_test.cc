#include "http/accept_encoding.h"

#include <gtest/gtest.h>

namespace batuta::http {
namespace {

Request WithAcceptEncoding(std::vector<std::string> values) {
  Request request;
  for (auto& value : values) request.headers.emplace_back("Accept-Encoding", std::move(value));
  return request;
}

bool Accepts(std::string value) { return AcceptsGzip(WithAcceptEncoding({std::move(value)})); }

TEST(AcceptEncodingTest, ParsesCodingsAndQValues) {
  const auto preferences = ParseAcceptEncoding("GZIP;q=0.8, br ; Q=1.0,identity;q=0,x-gzip");
  ASSERT_EQ(preferences.size(), 4u);
  EXPECT_EQ(preferences[0].coding, "gzip");
  EXPECT_EQ(preferences[0].quality, 800);
  EXPECT_EQ(preferences[1].coding, "br");
  EXPECT_EQ(preferences[1].quality, 1000);
  EXPECT_EQ(preferences[2].coding, "identity");
  EXPECT_EQ(preferences[2].quality, 0);
  EXPECT_EQ(preferences[3].coding, "gzip");
}

TEST(AcceptEncodingTest, MalformedQValuesDropTheElement) {
  EXPECT_TRUE(ParseAcceptEncoding("gzip;q=2").empty());
  EXPECT_TRUE(ParseAcceptEncoding("gzip;q=1.5").empty());
  EXPECT_TRUE(ParseAcceptEncoding("gzip;q=0.1234").empty());
  EXPECT_TRUE(ParseAcceptEncoding("gzip;q=abc").empty());
  EXPECT_TRUE(ParseAcceptEncoding(" , ,").empty());
  EXPECT_EQ(ParseAcceptEncoding("gzip;q=0.001")[0].quality, 1);
  EXPECT_EQ(ParseAcceptEncoding("gzip;level=3")[0].quality, 1000) << "other parameters ignored";
}

TEST(AcceptEncodingTest, Quality) {
  const auto preferences = ParseAcceptEncoding("gzip;q=0.5, *;q=0.2");
  EXPECT_EQ(CodingQuality(preferences, "gzip"), 500);
  EXPECT_EQ(CodingQuality(preferences, "br"), 200);
  EXPECT_EQ(CodingQuality(preferences, "identity"), 200);
  EXPECT_EQ(CodingQuality(ParseAcceptEncoding("gzip"), "identity"), 1000);
  EXPECT_EQ(CodingQuality(ParseAcceptEncoding("gzip"), "br"), 0);
}

TEST(AcceptEncodingTest, GzipNegotiation) {
  EXPECT_TRUE(Accepts("gzip"));
  EXPECT_TRUE(Accepts("gzip, deflate, br"));
  EXPECT_TRUE(Accepts("x-gzip"));
  EXPECT_TRUE(Accepts("*"));
  EXPECT_TRUE(Accepts("br;q=1, gzip;q=0.5"));
  EXPECT_TRUE(Accepts("gzip;q=1.0, identity; q=0.5, *;q=0"));
  EXPECT_FALSE(Accepts("gzip;q=0"));
  EXPECT_FALSE(Accepts("gzip;q=0, *"));
  EXPECT_FALSE(Accepts("*;q=0"));
  EXPECT_FALSE(Accepts("identity"));
  EXPECT_FALSE(Accepts(""));
  EXPECT_FALSE(Accepts("br"));
  EXPECT_FALSE(Accepts("gzip;q=0.5, identity"))
      << "identity listed with a higher quality is preferred";
  EXPECT_FALSE(AcceptsGzip(Request{})) << "no Accept-Encoding: identity";
}

TEST(AcceptEncodingTest, SeveralHeaderLinesCountTogether) {
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding({"br", "gzip"})));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding({"*", "gzip;q=0"})));
}

}  // namespace
}  // namespace batuta::http
