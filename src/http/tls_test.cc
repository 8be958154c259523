// The server speaking HTTPS: the same behaviour as plain HTTP behind a TLS handshake, and
// clear start-up errors for bad certificate or key files.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/server.h"
#include "http_client.h"
#include "temp_dir.h"
#include "tls_certificate.h"

namespace batuta::http {
namespace {

using testing::HttpConnection;
using testing::TlsClientOptions;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override { files_ = testing::WriteSelfSignedCertificate(dir_.path()); }
  void Start(ServerOptions options = {}) {
    options.port = 0;
    options.io_threads = 2;
    options.access_log = false;
    options.tls_certificate_file = files_.certificate;
    options.tls_private_key_file = files_.private_key;
    server_ = std::make_unique<Server>(options, router_);
    const auto listening = server_->Listen();
    ASSERT_TRUE(listening.ok()) << listening.error().message;
    server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(5));
  }
  std::uint16_t port() const { return server_->Port(); }
  TlsClientOptions Client() const { return {files_.certificate}; }
  void AddEcho() {
    router_.Add({Method::kPost, "/echo", kPublic,
                 Handler([](const Request& r) { return Response::Text(200, r.body); })});
  }

  testing::TempDir dir_;
  testing::TlsFiles files_;
  Router router_;
  std::unique_ptr<Server> server_;
};

TEST_F(TlsTest, ServesGetOverTlsAndMarksTheRequestSecure) {
  router_.Add({Method::kGet, "/where", kPublic, Handler([](const Request& r) {
                 return Response::Text(200, r.secure ? "secure" : "plain");
               })});
  Start();
  const auto reply = testing::Request(port(), Client(), "GET", "/where");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "secure");
}

TEST_F(TlsTest, ServesTls12Clients) {
  router_.Add({Method::kGet, "/where", kPublic, Handler([](const Request& r) {
                 return Response::Text(200, r.secure ? "secure" : "plain");
               })});
  Start();
  TlsClientOptions tls_1_2 = Client();
  tls_1_2.tls_1_2_only = true;
  EXPECT_EQ(testing::Request(port(), tls_1_2, "GET", "/where").body, "secure");
}

TEST_F(TlsTest, KeepsTheConnectionAliveAndAnswersPipelinedRequestsInOrder) {
  AddEcho();
  Start();
  HttpConnection connection(port(), Client());
  connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst");
  const auto first = connection.ReadReply();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->body, "first");
  connection.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nsecond"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nthird");
  const auto second = connection.ReadReply();
  const auto third = connection.ReadReply();
  ASSERT_TRUE(second && third);
  EXPECT_EQ(second->body, "second");
  EXPECT_EQ(third->body, "third");
}

TEST_F(TlsTest, ExpectContinueGetsA100ThenTheResponse) {
  AddEcho();
  Start();
  HttpConnection connection(port(), Client());
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

TEST_F(TlsTest, OversizedBodyGets413ThenTheConnectionCloses) {
  AddEcho();
  ServerOptions options;
  options.max_body_bytes = 1024;
  Start(options);
  HttpConnection connection(port(), Client());
  connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(reply->Header("Connection"), "close");
  EXPECT_TRUE(connection.WaitForClose());
}

TEST_F(TlsTest, StreamsServerSentEventsWithHeartbeats) {
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
  ServerOptions options;
  options.sse_heartbeat = std::chrono::milliseconds(50);
  Start(options);
  HttpConnection connection(port(), Client());
  connection.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string head;
  ASSERT_TRUE(connection.ReadUntil("\r\n\r\n", &head));
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
  {
    std::unique_lock lock(mutex);
    opened.wait(lock, [&] { return stream != nullptr; });
  }
  ASSERT_TRUE(connection.ReadUntil(": keep-alive\n\n", nullptr)) << "no heartbeat";

  std::thread producer([&] {
    for (int i = 1; i <= 20; ++i) stream->Send({.id = std::to_string(i), .data = "line"});
    stream->Close();
  });
  producer.join();
  std::string received;
  ASSERT_TRUE(connection.ReadUntil("0\r\n\r\n", &received));
  std::size_t position = 0;
  for (int i = 1; i <= 20; ++i) {
    const auto at = received.find("id: " + std::to_string(i) + "\n", position);
    ASSERT_NE(at, std::string::npos) << "event " << i << " missing or out of order";
    position = at;
  }
  EXPECT_TRUE(connection.WaitForClose());
}

TEST_F(TlsTest, StreamsBodiesInPiecesAndKeepsTheConnection) {
  std::string content;
  for (int i = 0; i < 200'000; ++i) content.push_back(static_cast<char>('a' + i % 23));
  router_.Add({Method::kGet, "/stream", kPublic, Handler([&content](const Request&) {
                 // Unknown size: chunked framing, each chunk written as several buffers.
                 class Unsized final : public BodySource {
                  public:
                   explicit Unsized(std::shared_ptr<BodySource> inner) : inner_(std::move(inner)) {}
                   Result<bool> Next(std::string& chunk) override { return inner_->Next(chunk); }

                  private:
                   std::shared_ptr<BodySource> inner_;
                 };
                 return Response::Streamed(
                     200, std::make_shared<Unsized>(StringBodySource(content, 7000)), "text/csv");
               })});
  AddEcho();
  Start();
  HttpConnection connection(port(), Client());
  connection.Send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto reply = connection.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->Header("Transfer-Encoding"), "chunked");
  EXPECT_TRUE(reply->body == content);
  connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nnext");
  const auto next = connection.ReadReply();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->body, "next");
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortIsClosedWithoutAResponse) {
  router_.Add({Method::kGet, "/healthz", kPublic,
               Handler([](const Request&) { return Response::Text(200, "ok"); })});
  Start();
  HttpConnection plain(port());
  plain.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string received;
  EXPECT_FALSE(plain.ReadUntil("HTTP/", &received));
  EXPECT_EQ(received.find("HTTP/"), std::string::npos) << received;
  EXPECT_TRUE(plain.WaitForClose());
  EXPECT_EQ(testing::Request(port(), Client(), "GET", "/healthz").body, "ok");
}

// Slowloris during the handshake: a client that connects and sends nothing is cut off after
// request_timeout, long before idle_timeout.
TEST_F(TlsTest, HandshakeCountsAgainstTheRequestTimeout) {
  ServerOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  options.idle_timeout = std::chrono::minutes(10);
  Start(options);
  HttpConnection silent(port());
  EXPECT_TRUE(silent.WaitForClose(std::chrono::seconds(30)));
}

TEST_F(TlsTest, ShutdownClosesIdleAndHandshakingConnections) {
  Start();
  HttpConnection idle(port(), Client());
  HttpConnection handshaking(port());
  const auto started = std::chrono::steady_clock::now();
  server_->Shutdown(std::chrono::seconds(60));
  // Only reached by waiting out the grace period if a connection was not closed at once.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  EXPECT_TRUE(idle.WaitForClose());
  EXPECT_TRUE(handshaking.WaitForClose());
}

class TlsListenTest : public ::testing::Test {
 protected:
  Status Listen(const std::filesystem::path& certificate, const std::filesystem::path& key) {
    ServerOptions options;
    options.port = 0;
    options.tls_certificate_file = certificate;
    options.tls_private_key_file = key;
    Server server(options, router_);
    return server.Listen();
  }
  testing::TempDir dir_;
  Router router_;
};

TEST_F(TlsListenTest, MissingFilesAreNamed) {
  const auto files = testing::WriteSelfSignedCertificate(dir_.path());
  const auto missing = dir_.path() / "missing.pem";
  const auto no_certificate = Listen(missing, files.private_key);
  ASSERT_FALSE(no_certificate.ok());
  EXPECT_NE(no_certificate.error().message.find(missing.string()), std::string::npos);
  EXPECT_NE(no_certificate.error().message.find("No such file"), std::string::npos)
      << no_certificate.error().message;

  const auto no_key = Listen(files.certificate, missing);
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.error().message.find(missing.string()), std::string::npos)
      << no_key.error().message;
}

TEST_F(TlsListenTest, KeyOfAnotherCertificateIsRefused) {
  const auto server = testing::WriteSelfSignedCertificate(dir_.path(), "server");
  const auto other = testing::WriteSelfSignedCertificate(dir_.path(), "other");
  const auto status = Listen(server.certificate, other.private_key);
  ASSERT_FALSE(status.ok());
  const auto& message = status.error().message;
  EXPECT_NE(message.find(other.private_key.string()), std::string::npos) << message;
  EXPECT_NE(message.find("does not match"), std::string::npos) << message;
}

TEST_F(TlsListenTest, FilesWithoutPemContentAreRefused) {
  const auto files = testing::WriteSelfSignedCertificate(dir_.path());
  // Each file holds the other's content: neither is what it should be.
  const auto certificate = Listen(files.private_key, files.private_key);
  ASSERT_FALSE(certificate.ok());
  EXPECT_NE(certificate.error().message.find("no valid PEM certificate"), std::string::npos)
      << certificate.error().message;
  const auto key = Listen(files.certificate, files.certificate);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().message.find("no unencrypted PEM private key"), std::string::npos)
      << key.error().message;
}

TEST_F(TlsListenTest, BothFilesAreRequired) {
  const auto files = testing::WriteSelfSignedCertificate(dir_.path());
  const auto status = Listen(files.certificate, {});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("private key"), std::string::npos)
      << status.error().message;
}

}  // namespace
}  // namespace batuta::http
