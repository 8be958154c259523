#pragma once

// Internal to the http library: the byte stream under one connection. Only src/http
// includes Asio; nothing outside it sees this type.

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <string_view>
#include <utility>
#include <variant>

namespace batuta::http {

// A TCP socket, or TLS over one. The Connection is written against this type only, so plain
// HTTP and HTTPS share every line of request handling; the stream type is the one difference.
// Not thread-safe: used on the owning connection's event loop only. At most one read and one
// write may be in flight at a time (what both Asio stream types allow).
class Transport {
 public:
  using Tcp = asio::ip::tcp::socket;
  using Tls = asio::ssl::stream<Tcp>;

  explicit Transport(Tcp socket) : stream_(std::in_place_type<Tcp>, std::move(socket)) {}
  // `context` must outlive the transport (the server owns it).
  Transport(Tcp socket, asio::ssl::context& context)
      : stream_(std::in_place_type<Tls>, std::move(socket), context) {}

  bool Secure() const { return std::holds_alternative<Tls>(stream_); }
  // The TCP socket itself (under TLS when Secure).
  Tcp& Socket();

  // TLS only: the server side of the handshake; handler(const asio::error_code&).
  template <typename Handler>
  void AsyncHandshake(Handler&& handler) {
    std::get<Tls>(stream_).async_handshake(asio::ssl::stream_base::server,
                                           std::forward<Handler>(handler));
  }

  // handler(const asio::error_code&, std::size_t): some bytes arrived, or the peer closed.
  template <typename Handler>
  void AsyncReadSome(asio::mutable_buffer buffer, Handler&& handler) {
    std::visit(
        [&](auto& stream) { stream.async_read_some(buffer, std::forward<Handler>(handler)); },
        stream_);
  }

  // handler(const asio::error_code&, std::size_t): all of `buffers` (one buffer or a sequence
  // of them, written in order) was written, or failed. The bytes must stay valid until the
  // handler runs; the sequence itself is copied.
  template <typename ConstBuffers, typename Handler>
  void AsyncWrite(const ConstBuffers& buffers, Handler&& handler) {
    std::visit(
        [&](auto& stream) { asio::async_write(stream, buffers, std::forward<Handler>(handler)); },
        stream_);
  }

  // Writes `data` before returning; errors are ignored (the next read or write sees them).
  // For a few bytes while no write is in flight: it blocks the event loop until sent.
  void WriteNow(std::string_view data);

  // Sends a TCP FIN after what was written; reading goes on. Under TLS this is a close
  // without close_notify, which HTTP allows once the response framing is complete.
  void ShutdownSend();
  // Closes the socket; operations in flight complete with an error.
  void Close();

 private:
  std::variant<Tcp, Tls> stream_;
};

}  // namespace batuta::http
