#include "http/gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "http/server.h"
#include "http_client.h"

namespace batuta::http {
namespace {

// Inflates one gzip member with zlib, independently of the code under test. nullopt when the
// data is not a complete, valid gzip stream.
std::optional<std::string> Gunzip(std::string_view compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + 15) != Z_OK) return std::nullopt;
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int result = Z_OK;
  while (result == Z_OK) {
    char buffer[16384];
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (result == Z_BUF_ERROR && stream.avail_in == 0) break;
  }
  const bool complete = result == Z_STREAM_END && stream.avail_in == 0;
  inflateEnd(&stream);
  if (!complete) return std::nullopt;
  return out;
}

// CSV-like text: compressible, but not trivially.
std::string Csv(int rows) {
  std::string out = "id;name;amount\n";
  for (int i = 0; i < rows; ++i) {
    out += std::to_string(i) + ";customer " + std::to_string(i * 7919 % 1000) + ";" +
           std::to_string(i * 31 % 977) + "." + std::to_string(i % 100) + "\n";
  }
  return out;
}

Request Accepting(std::string accept_encoding) {
  Request request;
  request.headers.emplace_back("Accept-Encoding", std::move(accept_encoding));
  return request;
}

// Drains a source the way the connection does: one fresh piece per call.
std::string Drain(BodySource& source, int* calls = nullptr) {
  std::string all;
  bool more = true;
  while (more) {
    std::string chunk;
    auto next = source.Next(chunk);
    EXPECT_TRUE(next.ok());
    if (!next.ok()) break;
    more = *next;
    all += chunk;
    if (calls) ++*calls;
  }
  return all;
}

TEST(GzipTest, CompressedBodiesInflateToTheOriginal) {
  const std::string csv = Csv(10'000);
  auto compressed = GzipCompress(csv);
  ASSERT_TRUE(compressed.ok());
  EXPECT_LT(compressed->size(), csv.size() / 3);
  EXPECT_EQ(Gunzip(*compressed), csv);
  EXPECT_EQ(Gunzip(GzipCompress("").value()), "");
}

TEST(GzipTest, StreamingCompressorInflatesToTheOriginal) {
  const std::string csv = Csv(20'000);
  const auto source = GzipBodySource(StringBodySource(csv, 10'000), 6);
  EXPECT_FALSE(source->size().has_value());
  int calls = 0;
  const std::string compressed = Drain(*source, &calls);
  EXPECT_GT(calls, 1) << "a large body is compressed over several pulls";
  EXPECT_EQ(Gunzip(compressed), csv);
}

TEST(GzipTest, StreamingCompressorPassesErrorsThrough) {
  class Failing final : public BodySource {
   public:
    Result<bool> Next(std::string& chunk) override {
      if (calls_++ == 0) {
        chunk += "first";
        return true;
      }
      return Error::Unavailable("disk gone");
    }

   private:
    int calls_ = 0;
  };
  const auto source = GzipBodySource(std::make_shared<Failing>(), 6);
  std::string chunk;
  Result<bool> next = true;
  while (next.ok() && *next) next = source->Next(chunk);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().code, ErrorCode::kUnavailable);
}

TEST(GzipTest, CompressibleTypes) {
  EXPECT_TRUE(IsCompressibleContentType("text/csv; charset=utf-8"));
  EXPECT_TRUE(IsCompressibleContentType("application/json"));
  EXPECT_TRUE(IsCompressibleContentType("Application/Problem+JSON"));
  EXPECT_TRUE(IsCompressibleContentType("image/svg+xml"));
  EXPECT_FALSE(IsCompressibleContentType("image/png"));
  EXPECT_FALSE(IsCompressibleContentType("application/zip"));
  EXPECT_FALSE(IsCompressibleContentType("application/octet-stream"));
  EXPECT_FALSE(IsCompressibleContentType(""));
}

TEST(GzipTest, CompressesInMemoryBodiesForClientsThatAcceptGzip) {
  const std::string csv = Csv(1000);
  auto original = Response::Text(200, csv, "text/csv");
  original.SetHeader("ETag", "\"v1\"");
  const Response response = GzipIfAccepted(Accepting("gzip, br"), original);
  EXPECT_EQ(response.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(response.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(response.Header("ETag"), "W/\"v1\"");
  EXPECT_EQ(Gunzip(response.body), csv);
}

TEST(GzipTest, NegotiationDecidesAndVaryIsSentEitherWay) {
  const std::string csv = Csv(1000);
  for (const char* refused : {"gzip;q=0", "identity", "gzip;q=0, *", "br"}) {
    const Response response = GzipIfAccepted(Accepting(refused), Response::Text(200, csv));
    EXPECT_FALSE(response.Header("Content-Encoding").has_value()) << refused;
    EXPECT_EQ(response.body, csv) << refused;
    EXPECT_EQ(response.Header("Vary"), "Accept-Encoding") << refused;
  }
  const Response none = GzipIfAccepted(Request{}, Response::Text(200, csv));
  EXPECT_FALSE(none.Header("Content-Encoding").has_value());
  EXPECT_TRUE(GzipIfAccepted(Accepting("*"), Response::Text(200, csv))
                  .Header("Content-Encoding")
                  .has_value());
}

TEST(GzipTest, LeavesAloneWhatShouldNotBeCompressed) {
  const Request request = Accepting("gzip");
  const std::string csv = Csv(1000);
  auto expect_untouched = [&](const Response& original, const char* why) {
    const Response response = GzipIfAccepted(request, original);
    EXPECT_EQ(response.body, original.body) << why;
    EXPECT_EQ(response.Header("Content-Encoding"), original.Header("Content-Encoding")) << why;
    EXPECT_FALSE(response.Header("Vary").has_value()) << why;
  };
  expect_untouched(Response::Text(200, "short"), "below min_bytes");
  expect_untouched(Response::Text(200, csv, "image/png"), "not a compressible type");
  expect_untouched(Response::Text(404, csv), "not a 2xx");
  expect_untouched(Response::Text(200, csv).SetHeader("Content-Encoding", "br"), "already encoded");
  expect_untouched(Response::Text(206, csv).SetHeader("Content-Range", "bytes 0-9/100"),
                   "a partial response");
  expect_untouched(Response::Text(200, csv).SetHeader("Accept-Ranges", "bytes"),
                   "ranges are over identity bytes");
  Response no_type;
  no_type.body = csv;
  expect_untouched(no_type, "no Content-Type");
}

TEST(GzipTest, AppendsToAnExistingVary) {
  auto original = Response::Text(200, Csv(1000));
  original.SetHeader("Vary", "Origin");
  EXPECT_EQ(GzipIfAccepted(Accepting("gzip"), original).Header("Vary"), "Origin, Accept-Encoding");
  original.SetHeader("Vary", "accept-encoding");
  EXPECT_EQ(GzipIfAccepted(Accepting("gzip"), original).Header("Vary"), "accept-encoding");
}

TEST(GzipTest, IncompressibleBodiesStayAsTheyAre) {
  std::string noise(4096, '\0');
  std::uint32_t state = 12345;
  for (char& c : noise) {
    state = state * 1664525 + 1013904223;
    c = static_cast<char>(state >> 24);
  }
  const Response response = GzipIfAccepted(Accepting("gzip"), Response::Text(200, noise));
  EXPECT_FALSE(response.Header("Content-Encoding").has_value());
  EXPECT_EQ(response.body, noise);
}

TEST(GzipTest, WrapsSourcesAndDropsTheirLength) {
  const std::string csv = Csv(1000);
  auto original = Response::Streamed(200, StringBodySource(csv), "text/csv");
  original.SetHeader("Content-Length", std::to_string(csv.size()));
  const Response response = GzipIfAccepted(Accepting("gzip"), original);
  ASSERT_NE(response.body_source, nullptr);
  EXPECT_FALSE(response.body_source->size().has_value());
  EXPECT_FALSE(response.Header("Content-Length").has_value());
  EXPECT_EQ(response.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(Gunzip(Drain(*response.body_source)), csv);

  const Response small =
      GzipIfAccepted(Accepting("gzip"), Response::Streamed(200, StringBodySource("x"), "text/csv"));
  EXPECT_FALSE(small.Header("Content-Encoding").has_value()) << "known to be below min_bytes";
}

class GzipServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    csv_ = Csv(10'000);
    router_.Add({Method::kGet, "/memory", kPublic, Handler([this](const Request& request) {
                   return GzipIfAccepted(request, Response::Text(200, csv_, "text/csv"));
                 })});
    router_.Add({Method::kGet, "/stream", kPublic, Handler([this](const Request& request) {
                   return GzipIfAccepted(
                       request, Response::Streamed(200, StringBodySource(csv_, 8192), "text/csv"));
                 })});
    ServerOptions options;
    options.port = 0;
    options.io_threads = 2;
    options.access_log = false;
    server_ = std::make_unique<Server>(options, router_);
    ASSERT_TRUE(server_->Listen().ok());
    server_->Start();
  }
  void TearDown() override { server_->Shutdown(std::chrono::seconds(5)); }
  std::uint16_t port() const { return server_->Port(); }

  std::string csv_;
  Router router_;
  std::unique_ptr<Server> server_;
};

TEST_F(GzipServerTest, InMemoryBodyIsCompressedWithItsLength) {
  const auto reply =
      batuta::testing::Request(port(), "GET", "/memory", {}, {"Accept-Encoding: gzip"});
  EXPECT_EQ(reply.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(reply.Header("Content-Length"), std::to_string(reply.body.size()));
  EXPECT_EQ(Gunzip(reply.body), csv_);
}

TEST_F(GzipServerTest, StreamIsCompressedAndChunked) {
  batuta::testing::HttpConnection connection(port());
  connection.Send("GET /stream HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->Header("Content-Encoding"), "gzip");
  EXPECT_EQ(reply->Header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(reply->Header("Vary"), "Accept-Encoding");
  EXPECT_FALSE(reply->Header("Content-Length").has_value());
  EXPECT_LT(reply->body.size(), csv_.size() / 3);
  EXPECT_EQ(Gunzip(reply->body), csv_);
  // And the connection is reusable after it.
  connection.Send("GET /stream HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0\r\n\r\n");
  const auto identity = connection.ReadReply();
  ASSERT_TRUE(identity.has_value());
  EXPECT_FALSE(identity->Header("Content-Encoding").has_value());
  EXPECT_EQ(identity->Header("Content-Length"), std::to_string(csv_.size()));
  EXPECT_EQ(identity->body, csv_);
}

}  // namespace
}  // namespace batuta::http
