#pragma once

// Test support for streamed responses: a plain-TCP client whose receive buffer is small and
// fixed, so the bytes the kernel can hold between a server and a client that is not reading
// have a known bound. tests/support/http_client.h is the general test client; this one only
// exists to make backpressure observable.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace batuta::http::testing {

class SlowClient {
 public:
  // Connects to 127.0.0.1:port with SO_RCVBUF = receive_buffer, set before connecting so
  // that neither the window nor autotuning can grow past it. Throws std::runtime_error.
  explicit SlowClient(std::uint16_t port, int receive_buffer = 64 << 10);
  ~SlowClient();
  SlowClient(const SlowClient&) = delete;
  SlowClient& operator=(const SlowClient&) = delete;

  bool Send(std::string_view bytes);
  // The status line and headers (without the blank line); body bytes read past them are kept
  // for Read. nullopt on close or timeout.
  std::optional<std::string> ReadHead(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Appends up to `max` bytes to *out, waiting for at least one; the number appended, 0 when
  // the server closed or the deadline passed.
  std::size_t Read(std::string* out, std::size_t max,
                   std::chrono::steady_clock::time_point deadline);
  // Reads exactly n bytes; false when the server closed or the timeout passed first.
  bool ReadExactly(std::size_t n, std::string* out,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool closed() const { return closed_; }
  // Total bytes received from the socket so far, head included.
  std::uint64_t received() const { return received_; }
  void Close();

  // An upper bound on the response bytes the kernel can hold on loopback between a server
  // that writes and this client that does not read: the largest send buffer TCP autotuning
  // may reach (net.ipv4.tcp_wmem) plus this client's receive buffer (which the kernel
  // doubles for bookkeeping), with a margin.
  static std::uint64_t KernelBufferBound(int receive_buffer = 64 << 10);

 private:
  int fd_ = -1;
  std::string pending_;  // body bytes read together with the head
  std::uint64_t received_ = 0;
  bool closed_ = false;
};

}  // namespace batuta::http::testing
