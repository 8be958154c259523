// The server in-process with test routes: SSE, HEAD, 100-continue, exceptions, draining.
#include "http/server.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_client.h"

namespace batuta::http {
namespace {

using testing::HttpConnection;

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    options.port = 0;
    if (options.io_threads == 0) options.io_threads = 2;
    options.access_log = false;
    server_ = std::make_unique<Server>(options, router_);
    ASSERT_TRUE(server_->Listen().ok());
    server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(5));
  }
  std::uint16_t port() const { return server_->Port(); }

  Router router_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, EchoesBodiesAndAddsDefaultHeaders) {
  router_.Add({Method::kPost, "/echo", kPublic,
               Handler([](const Request& r) { return Response::Text(201, r.body); })});
  ServerOptions options;
  options.default_headers = {{"X-Content-Type-Options", "nosniff"}};
  Start(options);
  const auto reply = testing::Request(port(), "POST", "/echo", "ping");
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.body, "ping");
  EXPECT_EQ(reply.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(reply.Header("Server"), "batuta");
}

TEST_F(ServerTest, HandlerExceptionBecomesA500WithoutDetails) {
  router_.Add({Method::kGet, "/boom", kPublic, Handler([](const Request&) -> Response {
                 throw std::runtime_error("secret internal detail");
               })});
  Start();
  const auto reply = testing::Request(port(), "GET", "/boom");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.body.find("secret internal detail"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["error"]["code"], "internal");
}

TEST_F(ServerTest, ExpectContinueGetsA100ThenTheResponse) {
  router_.Add({Method::kPost, "/echo", kPublic,
               Handler([](const Request& r) { return Response::Text(200, r.body); })});
  Start();
  HttpConnection connection(port());
  connection.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  std::string received;
  ASSERT_TRUE(connection.ReadUntil("\r\n\r\n", &received));
  EXPECT_EQ(received, "HTTP/1.1 100 Continue\r\n\r\n");
  connection.Send("abc");
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->body, "abc");
}

TEST_F(ServerTest, HeadSendsHeadersOnly) {
  router_.Add({Method::kGet, "/doc", kPublic,
               Handler([](const Request&) { return Response::Text(200, "0123456789"); })});
  Start();
  HttpConnection connection(port());
  connection.Send("HEAD /doc HTTP/1.1\r\nHost: x\r\n\r\nGET /doc HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto head = connection.ReadReply(std::chrono::seconds(10), /*head_only=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->Header("Content-Length"), "10");
  const auto get = connection.ReadReply();
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->body, "0123456789") << "HEAD must not have written a body";
}

TEST_F(ServerTest, PathParametersReachTheHandler) {
  router_.Add({Method::kGet, "/runs/{id}", kPublic, Handler([](const Request& r) {
                 return Response::Text(200, std::string(r.PathParam("id")) + "|" +
                                                r.QueryParam("after").value_or("-"));
               })});
  Start();
  EXPECT_EQ(testing::Request(port(), "GET", "/runs/r%2042?after=7").body, "r 42|7");
  EXPECT_EQ(testing::Request(port(), "GET", "/runs/%zz").status, 400);
}

TEST_F(ServerTest, TwoHostHeadersAreRefused) {
  router_.Add({Method::kGet, "/where", kPublic,
               Handler([](const Request&) { return Response::Text(200, "reached"); })});
  Start();
  HttpConnection connection(port());
  connection.Send("GET /where HTTP/1.1\r\nHost: a.example\r\nhost: b.example\r\n\r\n");
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 400);
  EXPECT_NE(reply->body.find("more than one Host"), std::string::npos) << reply->body;
}

TEST_F(ServerTest, PlainHttpRequestsAreNotSecure) {
  router_.Add({Method::kGet, "/where", kPublic, Handler([](const Request& r) {
                 return Response::Text(200, r.secure ? "secure" : "plain");
               })});
  Start();
  EXPECT_EQ(testing::Request(port(), "GET", "/where").body, "plain");
}

// A stream fed from another thread, the way the log hub will feed run events.
TEST_F(ServerTest, SseStreamsEventsFromAnyThreadInOrder) {
  std::mutex mutex;
  std::condition_variable opened;
  std::shared_ptr<SseStream> stream;
  std::string last_event_id;
  router_.Add(
      {Method::kGet, "/events", kPublic,
       SseHandler([&](const Request& r, std::shared_ptr<SseStream> s) -> std::optional<Response> {
         std::lock_guard lock(mutex);
         last_event_id = std::string(r.Header("Last-Event-ID").value_or(""));
         stream = std::move(s);
         opened.notify_all();
         return std::nullopt;
       })});
  Start();
  HttpConnection connection(port());
  connection.Send("GET /events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 41\r\n\r\n");
  std::string head;
  ASSERT_TRUE(connection.ReadUntil("\r\n\r\n", &head));
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
  {
    std::unique_lock lock(mutex);
    opened.wait(lock, [&] { return stream != nullptr; });
  }
  EXPECT_EQ(last_event_id, "41");

  bool closed_callback = false;
  std::thread producer([&] {
    for (int i = 42; i < 142; ++i) {
      ASSERT_TRUE(stream->Send({.event = "log", .id = std::to_string(i), .data = "line"}));
    }
    stream->OnClose([&] {
      std::lock_guard lock(mutex);
      closed_callback = true;
      opened.notify_all();
    });
    stream->Close();
  });
  producer.join();
  std::string received;
  ASSERT_TRUE(connection.ReadUntil("0\r\n\r\n", &received));
  std::size_t position = 0;
  for (int i = 42; i < 142; ++i) {
    const auto at = received.find("id: " + std::to_string(i) + "\n", position);
    ASSERT_NE(at, std::string::npos) << "event " << i << " missing or out of order";
    position = at;
  }
  EXPECT_TRUE(connection.WaitForClose());
  EXPECT_FALSE(stream->Send({.data = "late"}));
  EXPECT_FALSE(stream->IsOpen());
  std::unique_lock lock(mutex);
  opened.wait(lock, [&] { return closed_callback; });  // the callback runs on a server thread
}

// Events sent by the handler itself (history, on the connection's thread) and by another
// thread at the same time (live lines) arrive in the order of the Send calls.
TEST_F(ServerTest, SseEventsFromTheHandlerAndAnotherThreadKeepTheirSendOrder) {
  constexpr int kEach = 500;
  std::mutex order;  // makes "the order of Send calls" well defined across the two threads
  int next = 0;
  std::thread live;
  router_.Add({Method::kGet, "/events", kPublic,
               SseHandler([&](const Request&,
                              const std::shared_ptr<SseStream>& s) -> std::optional<Response> {
                 auto send = [&order, &next, s] {
                   const std::lock_guard lock(order);
                   ++next;
                   EXPECT_TRUE(s->Send({.event = "log", .id = std::to_string(next), .data = "x"}));
                   if (next == 2 * kEach) s->Close();
                 };
                 live = std::thread([send] {
                   for (int i = 0; i < kEach; ++i) send();
                 });
                 for (int i = 0; i < kEach; ++i) send();
                 return std::nullopt;
               })});
  Start();
  HttpConnection connection(port());
  connection.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string received;
  ASSERT_TRUE(connection.ReadUntil("0\r\n\r\n", &received));
  live.join();
  std::size_t position = 0;
  for (int i = 1; i <= 2 * kEach; ++i) {
    const auto at = received.find("id: " + std::to_string(i) + "\n", position);
    ASSERT_NE(at, std::string::npos) << "event " << i << " missing or out of order";
    position = at;
  }
}

TEST_F(ServerTest, SseHandlerMayRefuseWithAnErrorResponse) {
  router_.Add(
      {Method::kGet, "/events/{id}", kPublic,
       SseHandler([](const Request&, const std::shared_ptr<SseStream>&) -> std::optional<Response> {
         return ErrorResponse(Error::NotFound("no such run"));
       })});
  Start();
  EXPECT_EQ(testing::Request(port(), "GET", "/events/x").status, 404);
}

TEST_F(ServerTest, ClientDisconnectClosesTheStream) {
  std::mutex mutex;
  std::condition_variable changed;
  std::shared_ptr<SseStream> stream;
  bool closed = false;
  router_.Add(
      {Method::kGet, "/events", kPublic,
       SseHandler([&](const Request&, std::shared_ptr<SseStream> s) -> std::optional<Response> {
         s->OnClose([&] {
           std::lock_guard lock(mutex);
           closed = true;
           changed.notify_all();
         });
         std::lock_guard lock(mutex);
         stream = std::move(s);
         changed.notify_all();
         return std::nullopt;
       })});
  Start();
  {
    HttpConnection connection(port());
    connection.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return stream != nullptr; });
  }
  std::unique_lock lock(mutex);
  changed.wait(lock, [&] { return closed; });
  EXPECT_FALSE(stream->IsOpen());
}

TEST_F(ServerTest, ShutdownEndsOpenStreams) {
  std::mutex mutex;
  std::condition_variable opened;
  std::shared_ptr<SseStream> stream;
  router_.Add(
      {Method::kGet, "/events", kPublic,
       SseHandler([&](const Request&, std::shared_ptr<SseStream> s) -> std::optional<Response> {
         std::lock_guard lock(mutex);
         stream = std::move(s);
         opened.notify_all();
         return std::nullopt;
       })});
  Start();
  HttpConnection connection(port());
  connection.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  {
    std::unique_lock lock(mutex);
    opened.wait(lock, [&] { return stream != nullptr; });
  }
  server_->Shutdown(std::chrono::seconds(5));
  EXPECT_TRUE(connection.WaitForClose());
  EXPECT_FALSE(stream->IsOpen());
}

// One I/O thread: a handler blocked on the pool must not hold up other connections.
TEST_F(ServerTest, BlockingHandlersDoNotStallTheEventLoop) {
  std::mutex mutex;
  std::condition_variable changed;
  bool slow_started = false;
  bool release = false;
  router_.Add({Method::kGet, "/slow", kPublic, Handler([&](const Request&) {
                 std::unique_lock lock(mutex);
                 slow_started = true;
                 changed.notify_all();
                 changed.wait(lock, [&] { return release; });
                 return Response::Text(200, "slow");
               })});
  router_.Add({Method::kGet, "/fast", kPublic,
               Handler([](const Request&) { return Response::Text(200, "fast"); })});
  ServerOptions options;
  options.io_threads = 1;
  Start(options);
  HttpConnection slow(port());
  slow.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return slow_started; });
  }
  EXPECT_EQ(testing::Request(port(), "GET", "/fast").body, "fast");
  {
    std::lock_guard lock(mutex);
    release = true;
    changed.notify_all();
  }
  const auto reply = slow.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->body, "slow");
}

TEST_F(ServerTest, ListenReportsBadAddresses) {
  ServerOptions options;
  options.listen_address = "not-an-ip";
  Server server(options, router_);
  const auto status = server.Listen();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("not-an-ip"), std::string::npos);
}

}  // namespace
}  // namespace batuta::http
