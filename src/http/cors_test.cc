// CORS as a browser sees it: headers for allowed origins on every kind of response, preflights
// answered before any handler, nothing for other origins, nothing at all when off.
#include "http/cors.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "http/server.h"
#include "http_client.h"

namespace batuta::http {
namespace {

using testing::HttpConnection;
using testing::HttpReply;

constexpr std::string_view kAllowed = "https://bi.example.com";

std::string OriginHeader(std::string_view origin) { return "Origin: " + std::string(origin); }

void ExpectCorsHeadersFor(const HttpReply& reply, std::string_view origin) {
  EXPECT_EQ(reply.Header("Access-Control-Allow-Origin"), std::string(origin));
  EXPECT_EQ(reply.Header("Vary"), "Origin");
  EXPECT_EQ(reply.Header("Access-Control-Expose-Headers"),
            "X-Request-Id, ETag, Content-Disposition");
  EXPECT_FALSE(reply.Header("Access-Control-Allow-Credentials").has_value());
}

void ExpectNoCorsHeaders(const HttpReply& reply) {
  for (const auto& [name, value] : reply.headers) {
    EXPECT_NE(name.rfind("Access-Control-", 0), 0u) << name << ": " << value;
  }
}

class CorsTest : public ::testing::Test {
 protected:
  CorsTest() {
    router_.Add({Method::kGet, "/items", kPublic,
                 Handler([](const Request&) { return Response::Text(200, "items"); })});
    router_.Add({Method::kPost, "/items", kPublic,
                 Handler([](const Request&) { return Response::Text(201, "created"); })});
    // Would answer preflights if they reached the router.
    router_.Add({Method::kOptions, "/items", kPublic, Handler([this](const Request&) {
                   ++options_calls_;
                   return Response::Text(200, "options handler");
                 })});
    router_.Add({Method::kGet, "/fail", kPublic,
                 Handler([](const Request&) { return ErrorResponse(Error::Conflict("always")); })});
    router_.Add({Method::kGet, "/events", kPublic,
                 SseHandler([](const Request&,
                               const std::shared_ptr<SseStream>& s) -> std::optional<Response> {
                   s->Close();
                   return std::nullopt;
                 })});
  }
  void Start(std::vector<std::string> origins) {
    ServerOptions options;
    options.port = 0;
    options.io_threads = 1;
    options.access_log = false;
    options.cors_allowed_origins = std::move(origins);
    server_ = std::make_unique<Server>(options, router_);
    ASSERT_TRUE(server_->Listen().ok());
    server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(5));
  }
  HttpReply Get(std::string_view target, std::string_view origin) {
    return testing::Request(server_->Port(), "GET", target, {}, {OriginHeader(origin)});
  }
  HttpReply Preflight(std::string_view target, std::string_view origin) {
    return testing::Request(server_->Port(), "OPTIONS", target, {},
                            {OriginHeader(origin), "Access-Control-Request-Method: POST",
                             "Access-Control-Request-Headers: x-api-key, content-type"});
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::atomic<int> options_calls_{0};
};

TEST_F(CorsTest, OffWithoutAnAllowlist) {
  Start({});
  const auto reply = Get("/items", kAllowed);
  EXPECT_EQ(reply.status, 200);
  ExpectNoCorsHeaders(reply);
  EXPECT_FALSE(reply.Header("Vary").has_value());
  const auto options = Preflight("/items", kAllowed);
  EXPECT_EQ(options.body, "options handler") << "OPTIONS is routed as any other method";
  ExpectNoCorsHeaders(options);
}

TEST_F(CorsTest, AllowedOriginGetsHeadersOnSuccessAndErrors) {
  Start({"https://other.example.com", std::string(kAllowed)});
  const auto ok = Get("/items", kAllowed);
  EXPECT_EQ(ok.status, 200);
  ExpectCorsHeadersFor(ok, kAllowed);

  const auto handler_error = Get("/fail", kAllowed);
  EXPECT_EQ(handler_error.status, 409);
  ExpectCorsHeadersFor(handler_error, kAllowed);

  const auto not_found = Get("/nothing", kAllowed);
  EXPECT_EQ(not_found.status, 404);
  ExpectCorsHeadersFor(not_found, kAllowed);

  HttpConnection connection(server_->Port());
  connection.Send(
      "POST /items HTTP/1.1\r\nHost: x\r\nOrigin: https://bi.example.com\r\n"
      "Content-Length: 100000000\r\n\r\n");
  const auto too_large = connection.ReadReply();
  ASSERT_TRUE(too_large.has_value());
  EXPECT_EQ(too_large->status, 413);
  ExpectCorsHeadersFor(*too_large, kAllowed);
}

TEST_F(CorsTest, AllowedOriginGetsHeadersOnEventStreams) {
  Start({std::string(kAllowed)});
  HttpConnection connection(server_->Port());
  connection.Send("GET /events HTTP/1.1\r\nHost: x\r\nOrigin: https://bi.example.com\r\n\r\n");
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->Header("Content-Type"), "text/event-stream; charset=utf-8");
  ExpectCorsHeadersFor(*reply, kAllowed);
}

TEST_F(CorsTest, PreflightIsAnsweredBeforeAnyHandler) {
  Start({std::string(kAllowed)});
  const auto reply = Preflight("/items", kAllowed);
  EXPECT_EQ(reply.status, 204);
  ExpectCorsHeadersFor(reply, kAllowed);
  EXPECT_EQ(reply.Header("Access-Control-Allow-Methods"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(reply.Header("Access-Control-Allow-Headers"),
            "Authorization, X-API-Key, Content-Type, Last-Event-ID, If-None-Match");
  EXPECT_EQ(reply.Header("Access-Control-Max-Age"), "600");
  EXPECT_EQ(options_calls_, 0);
}

TEST_F(CorsTest, PreflightForAnUnknownPathGets404) {
  Start({std::string(kAllowed)});
  const auto reply = Preflight("/nothing", kAllowed);
  EXPECT_EQ(reply.status, 404);
  ExpectCorsHeadersFor(reply, kAllowed);
  EXPECT_FALSE(reply.Header("Access-Control-Allow-Methods").has_value());
}

TEST_F(CorsTest, OtherOriginsGetNoCorsHeadersAndTheirPreflightsGet403) {
  Start({std::string(kAllowed)});
  // Exact match only: another scheme, a longer host or a trailing slash is another origin.
  for (const std::string_view origin :
       {"https://evil.example.com", "http://bi.example.com", "https://bi.example.com.evil.com",
        "https://bi.example.com/", "null"}) {
    const auto reply = Get("/items", origin);
    EXPECT_EQ(reply.status, 200) << origin;
    ExpectNoCorsHeaders(reply);
    EXPECT_EQ(reply.Header("Vary"), "Origin") << "caches must key on Origin";

    const auto preflight = Preflight("/items", origin);
    EXPECT_EQ(preflight.status, 403) << origin;
    EXPECT_EQ(nlohmann::json::parse(preflight.body)["error"]["code"], "permission_denied");
    ExpectNoCorsHeaders(preflight);
  }
  EXPECT_EQ(options_calls_, 0);
}

TEST_F(CorsTest, OptionsWithoutPreflightHeadersReachesTheRouter) {
  Start({std::string(kAllowed)});
  const auto reply =
      testing::Request(server_->Port(), "OPTIONS", "/items", {}, {OriginHeader(kAllowed)});
  EXPECT_EQ(reply.body, "options handler");
  ExpectCorsHeadersFor(reply, kAllowed);
}

TEST(CorsPolicyTest, RecognisesPreflights) {
  Request request;
  request.method = Method::kOptions;
  EXPECT_FALSE(CorsPolicy::IsPreflight(request));
  request.headers = {{"origin", "https://a.example"}};
  EXPECT_FALSE(CorsPolicy::IsPreflight(request));
  request.headers.emplace_back("access-control-request-method", "PUT");
  EXPECT_TRUE(CorsPolicy::IsPreflight(request));
  request.method = Method::kPost;
  EXPECT_FALSE(CorsPolicy::IsPreflight(request));
}

}  // namespace
}  // namespace batuta::http
