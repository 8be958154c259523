#pragma once

// A deliberately small blocking HTTP/1.1 client for tests: it sends exactly the bytes it is
// given, so tests can send malformed requests the way a broken or hostile client would.
// Every read is bounded by a timeout so a server bug fails the test instead of hanging it.
// It speaks plain TCP or TLS.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace batuta::testing {

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> Header(std::string_view name) const;
};

// TLS for a client: trust exactly this certificate, which must name 127.0.0.1.
struct TlsClientOptions {
  std::filesystem::path trusted_certificate;
  bool tls_1_2_only = false;  // offer TLS 1.2 only, not 1.3
};

class HttpConnection {
 public:
  // Connects to 127.0.0.1:port, with a TLS handshake when `tls` is given (bounded by 10 s);
  // throws std::runtime_error when it cannot.
  explicit HttpConnection(std::uint16_t port,
                          const std::optional<TlsClientOptions>& tls = std::nullopt);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends raw bytes; false when the peer has closed.
  bool Send(std::string_view bytes);
  // Reads one response (Content-Length, chunked, or until close). nullopt when the peer
  // closed before a complete status line and headers, or on timeout.
  // `head_only`: the reply to a HEAD request (headers only, whatever Content-Length says).
  std::optional<HttpReply> ReadReply(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                     bool head_only = false);
  // A response read in pieces, for streamed bodies such as Server-Sent Events: ReadHead reads
  // the status line and headers only (nullopt as ReadReply), then ReadBody reads the whole
  // body as ReadReply would, or ReadChunk reads a chunked body one chunk at a time.
  std::optional<HttpReply> ReadHead(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Fills reply->body according to its headers; false on close or timeout before its end.
  bool ReadBody(HttpReply* reply, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  enum class ChunkRead {
    kData,    // one chunk's payload was appended to *data
    kLast,    // the terminating zero-size chunk (and the blank line after it) arrived
    kFailed,  // the peer closed, the framing is malformed, or the deadline passed
  };
  ChunkRead ReadChunk(std::string* data, std::chrono::steady_clock::time_point deadline);
  // Reads whatever arrives until `needle` was seen (true) or timeout/close (false).
  bool ReadUntil(std::string_view needle, std::string* received,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the server closes the connection within the timeout.
  bool WaitForClose(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  class TlsSession;

  bool Fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::unique_ptr<TlsSession> tls_;  // null for plain TCP
  std::string buffer_;
  bool closed_ = false;
};

// One request on a fresh connection. `extra_headers` are full lines without CRLF.
HttpReply Request(std::uint16_t port, std::string_view method, std::string_view target,
                  std::string_view body = {}, const std::vector<std::string>& extra_headers = {});
// The same over TLS.
HttpReply Request(std::uint16_t port, const TlsClientOptions& tls, std::string_view method,
                  std::string_view target, std::string_view body = {},
                  const std::vector<std::string>& extra_headers = {});

}  // namespace batuta::testing
