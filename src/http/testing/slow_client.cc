#include "http/testing/slow_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace batuta::http::testing {

SlowClient::SlowClient(std::uint16_t port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect failed");
  }
}

SlowClient::~SlowClient() { Close(); }

void SlowClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  closed_ = true;
}

bool SlowClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::size_t SlowClient::Read(std::string* out, std::size_t max,
                             std::chrono::steady_clock::time_point deadline) {
  if (!pending_.empty()) {
    const std::size_t n = std::min(max, pending_.size());
    out->append(pending_, 0, n);
    pending_.erase(0, n);
    return n;
  }
  if (closed_) return 0;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
  if (left <= 0) return 0;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left)) <= 0) return 0;
  char buffer[65536];
  const ssize_t n = ::recv(fd_, buffer, std::min(max, sizeof buffer), 0);
  if (n <= 0) {
    closed_ = true;
    return 0;
  }
  received_ += static_cast<std::uint64_t>(n);
  out->append(buffer, static_cast<std::size_t>(n));
  return static_cast<std::size_t>(n);
}

std::optional<std::string> SlowClient::ReadHead(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string data;
  std::size_t end;
  while ((end = data.find("\r\n\r\n")) == std::string::npos) {
    // Small reads, so that little of the body is taken along with the head.
    if (Read(&data, 512, deadline) == 0) return std::nullopt;
  }
  pending_ = data.substr(end + 4);
  data.resize(end);
  return data;
}

bool SlowClient::ReadExactly(std::size_t n, std::string* out, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t got = 0;
  while (got < n) {
    const std::size_t read = Read(out, n - got, deadline);
    if (read == 0) return false;
    got += read;
  }
  return true;
}

std::uint64_t SlowClient::KernelBufferBound(int receive_buffer) {
  std::uint64_t send_max = std::uint64_t{16} << 20;  // when /proc cannot be read
  std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
  std::uint64_t min = 0;
  std::uint64_t initial = 0;
  std::uint64_t max = 0;
  if (wmem >> min >> initial >> max) send_max = max;
  return send_max + 4 * static_cast<std::uint64_t>(receive_buffer) + (std::uint64_t{256} << 10);
}

}  // namespace batuta::http::testing
