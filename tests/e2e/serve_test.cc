// `batuta serve` as a client sees it: health, errors for bad input, limits, shutdown, restart.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "batuta_process.h"
#include "http_client.h"

namespace batuta::testing {
namespace {

using nlohmann::json;

// Asserts the uniform error body and returns its code.
std::string ErrorCodeOf(const HttpReply& reply) {
  EXPECT_EQ(reply.Header("Content-Type").value_or(""), "application/json");
  const auto body = json::parse(reply.body);
  EXPECT_TRUE(body["error"].contains("message"));
  EXPECT_TRUE(body["error"]["details"].is_object());
  return body["error"]["code"].get<std::string>();
}

bool ConnectionRefused(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool refused = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0;
  ::close(fd);
  return refused;
}

class ServeTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ServeTest, HealthAndReadinessAnswer) {
  BatutaServer server(dir_.path() / "data");
  const auto health = Request(server.port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(json::parse(health.body)["status"], "ok");
  EXPECT_TRUE(health.Header("X-Request-Id").has_value());

  const auto ready = Request(server.port(), "GET", "/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  const auto body = json::parse(ready.body);
  EXPECT_EQ(body["status"], "ready");
  EXPECT_EQ(body["store"], "sqlite");
  EXPECT_GE(body["schema_version"].get<int>(), 1);
}

TEST_F(ServeTest, ServesVersionAndOpenApi) {
  BatutaServer server(dir_.path() / "data");
  const auto version = Request(server.port(), "GET", "/api/v1/version");
  EXPECT_EQ(json::parse(version.body)["name"], "batuta");
  const auto spec = Request(server.port(), "GET", "/api/v1/openapi.json");
  ASSERT_EQ(spec.status, 200);
  EXPECT_EQ(json::parse(spec.body)["openapi"].get<std::string>().substr(0, 3), "3.1");
}

TEST_F(ServeTest, MalformedRequestLineGets400Json) {
  BatutaServer server(dir_.path() / "data");
  HttpConnection connection(server.port());
  connection.Send("GET /healthz HTTP/1.1 extra-garbage\r\nHost: x\r\n\r\n");
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(ErrorCodeOf(*reply), "invalid_argument");
  EXPECT_EQ(reply->Header("Connection").value_or(""), "close");
  EXPECT_TRUE(connection.WaitForClose());
}

TEST_F(ServeTest, NonHttpBytesGet400Json) {
  BatutaServer server(dir_.path() / "data");
  HttpConnection connection(server.port());
  connection.Send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 400);
}

// Request smuggling guard: a body framed two ways is refused, not guessed at.
TEST_F(ServeTest, ConflictingBodyFramingGets400) {
  BatutaServer server(dir_.path() / "data");
  HttpConnection connection(server.port());
  connection.Send(
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(ErrorCodeOf(*reply), "invalid_argument");
}

TEST_F(ServeTest, OversizedBodyGets413BeforeTheBodyIsRead) {
  BatutaServer server(dir_.path() / "data", {"--max-body-size", "64KiB"});
  HttpConnection connection(server.port());
  connection.Send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
  connection.Send(std::string(4096, 'x'));
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(ErrorCodeOf(*reply), "payload_too_large");
  EXPECT_EQ(json::parse(reply->body)["error"]["details"]["limit_bytes"], 65536);
}

TEST_F(ServeTest, OversizedChunkedBodyGets413) {
  BatutaServer server(dir_.path() / "data", {"--max-body-size", "1KiB"});
  HttpConnection connection(server.port());
  std::string request = "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  request += "800\r\n" + std::string(0x800, 'y') + "\r\n0\r\n\r\n";
  connection.Send(request);
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 413);
}

TEST_F(ServeTest, OversizedHeadersGet431) {
  BatutaServer server(dir_.path() / "data", {"--max-header-size", "2KiB"});
  const auto reply =
      Request(server.port(), "GET", "/healthz", {}, {"X-Big: " + std::string(4000, 'h')});
  EXPECT_EQ(reply.status, 431);
  EXPECT_EQ(ErrorCodeOf(reply), "headers_too_large");
}

TEST_F(ServeTest, SlowRequestGets408) {
  BatutaServer server(dir_.path() / "data", {"--request-timeout", "300ms"});
  HttpConnection connection(server.port());
  connection.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 408);
  EXPECT_EQ(ErrorCodeOf(*reply), "request_timeout");
}

TEST_F(ServeTest, UnknownRouteAndWrongMethodGetJsonErrors) {
  BatutaServer server(dir_.path() / "data");
  const auto missing = Request(server.port(), "GET", "/api/v1/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCodeOf(missing), "not_found");

  const auto wrong_method = Request(server.port(), "DELETE", "/healthz");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(ErrorCodeOf(wrong_method), "method_not_allowed");
  EXPECT_EQ(wrong_method.Header("Allow").value_or(""), "GET, HEAD");
}

TEST_F(ServeTest, KeepAliveAndPipelinedRequestsAreAnsweredInOrder) {
  BatutaServer server(dir_.path() / "data");
  HttpConnection connection(server.port());
  connection.Send(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: first\r\n\r\n"
      "GET /api/v1/version HTTP/1.1\r\nHost: x\r\nX-Request-Id: second\r\n\r\n");
  const auto first = connection.ReadReply();
  const auto second = connection.ReadReply();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->Header("X-Request-Id"), "first");
  EXPECT_EQ(second->Header("X-Request-Id"), "second");
  EXPECT_EQ(json::parse(second->body)["name"], "batuta");
}

TEST_F(ServeTest, SigtermFinishesTheRequestInFlightThenExitsZero) {
  BatutaServer server(dir_.path() / "data");
  HttpConnection in_flight(server.port());
  in_flight.Send("POST /api/v1/nope HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
  // Make sure the request has started on the server before the signal.
  ASSERT_EQ(Request(server.port(), "GET", "/healthz").status, 200);
  server.Signal(SIGTERM);
  // Wait (bounded) until the listener is closed: the server is draining.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!ConnectionRefused(server.port()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(ConnectionRefused(server.port())) << "listener still open after SIGTERM";
  in_flight.Send("67890");
  const auto reply = in_flight.ReadReply();
  ASSERT_TRUE(reply.has_value()) << server.Stderr();
  EXPECT_EQ(reply->status, 404);
  EXPECT_EQ(reply->Header("Connection").value_or(""), "close");
  EXPECT_EQ(server.Wait(), 0) << server.Stderr();
}

TEST_F(ServeTest, SigintExitsZeroWhenIdle) {
  BatutaServer server(dir_.path() / "data");
  HttpConnection idle(server.port());  // an idle keep-alive connection must not block exit
  server.Signal(SIGINT);
  EXPECT_EQ(server.Wait(), 0) << server.Stderr();
  EXPECT_TRUE(idle.WaitForClose());
}

TEST_F(ServeTest, SecondStartReusesTheMigratedStore) {
  const auto data = dir_.path() / "data";
  int first_version = 0;
  {
    BatutaServer first(data);
    first_version = json::parse(Request(first.port(), "GET", "/readyz").body)["schema_version"];
    first.Signal(SIGTERM);
    ASSERT_EQ(first.Wait(), 0);
    EXPECT_NE(first.Stderr().find("applied migration"), std::string::npos) << first.Stderr();
  }
  BatutaServer second(data);
  const auto ready = Request(second.port(), "GET", "/readyz");
  ASSERT_EQ(ready.status, 200);
  EXPECT_EQ(json::parse(ready.body)["schema_version"], first_version);
  second.Signal(SIGTERM);
  ASSERT_EQ(second.Wait(), 0);
  EXPECT_EQ(second.Stderr().find("applied migration"), std::string::npos) << second.Stderr();
}

TEST_F(ServeTest, AccessLogHasOneLinePerRequest) {
  BatutaServer server(dir_.path() / "data");
  Request(server.port(), "GET", "/healthz", {}, {"X-Request-Id: trace-me-1"});
  server.Signal(SIGTERM);
  ASSERT_EQ(server.Wait(), 0);
  const auto log = server.Stderr();
  EXPECT_NE(log.find("http GET /healthz 200"), std::string::npos) << log;
  EXPECT_NE(log.find("id=trace-me-1"), std::string::npos) << log;
}

TEST_F(ServeTest, JsonLogFormatWritesOneObjectPerLine) {
  BatutaServer server(dir_.path() / "data", {"--log-format", "json"});
  Request(server.port(), "GET", "/a%22b%5C", {});  // logged path holds a quote and a backslash
  server.Signal(SIGTERM);
  ASSERT_EQ(server.Wait(), 0);
  const auto log = server.Stderr();
  std::size_t start = 0;
  int lines = 0;
  while (start < log.size()) {
    const auto end = log.find('\n', start);
    const auto line = log.substr(start, end - start);
    const auto entry = json::parse(line);  // throws (fails the test) on a non-JSON line
    EXPECT_TRUE(entry.contains("time") && entry.contains("level") && entry.contains("msg"));
    ++lines;
    start = end == std::string::npos ? log.size() : end + 1;
  }
  EXPECT_GE(lines, 3);
  EXPECT_NE(log.find(R"(GET /a\"b\\ 404)"), std::string::npos) << log;
}

}  // namespace
}  // namespace batuta::testing
