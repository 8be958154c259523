#include "http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace batuta::testing {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// Milliseconds left until `deadline`, at least 0.
int MillisecondsUntil(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::string OpenSslError() {
  char reason[256] = {};
  ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
  ERR_clear_error();
  return reason;
}

}  // namespace

// An OpenSSL client session on the connection's socket. The socket is switched to
// non-blocking mode so that every wait is a poll bounded by the caller's deadline.
class HttpConnection::TlsSession {
 public:
  TlsSession(int fd, const TlsClientOptions& options) : fd_(fd) {
    // OpenSSL writes with write(2): a server closing first would otherwise kill the test
    // process with SIGPIPE instead of failing the write.
    static std::once_flag ignore_sigpipe;
    std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
    context_ = SSL_CTX_new(TLS_client_method());
    if (context_ == nullptr) throw std::runtime_error("SSL_CTX_new: " + OpenSslError());
    SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
    if (options.tls_1_2_only) SSL_CTX_set_max_proto_version(context_, TLS1_2_VERSION);
    if (SSL_CTX_load_verify_locations(context_, options.trusted_certificate.c_str(), nullptr) !=
        1) {
      throw std::runtime_error("cannot load " + options.trusted_certificate.string() + ": " +
                               OpenSslError());
    }
    ssl_ = SSL_new(context_);
    if (ssl_ == nullptr) throw std::runtime_error("SSL_new: " + OpenSslError());
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), "127.0.0.1");
    SSL_set_fd(ssl_, fd_);
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int result = 0;
    while ((result = SSL_connect(ssl_)) != 1) {
      if (!Await(result, deadline)) {
        throw std::runtime_error("TLS handshake failed: " + OpenSslError());
      }
    }
  }
  ~TlsSession() {
    SSL_free(ssl_);
    SSL_CTX_free(context_);
  }
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // False when the peer closed or the deadline passed.
  bool Write(std::string_view bytes, std::chrono::steady_clock::time_point deadline) {
    while (!bytes.empty()) {
      const int n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
      } else if (!Await(n, deadline)) {
        return false;
      }
    }
    return true;
  }

  // Bytes read (> 0), 0 when the peer closed (with or without close_notify) or failed, -1 on
  // timeout.
  long Read(char* buffer, std::size_t size, std::chrono::steady_clock::time_point deadline) {
    while (true) {
      const int n = SSL_read(ssl_, buffer, static_cast<int>(size));
      if (n > 0) return n;
      const int error = SSL_get_error(ssl_, n);
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
        ERR_clear_error();
        return 0;
      }
      if (!Await(n, deadline)) return -1;
    }
  }

 private:
  // After an OpenSSL call returned `result`: waits until the socket is ready for what it
  // wants. False on a real error or when the deadline passes first.
  bool Await(int result, std::chrono::steady_clock::time_point deadline) {
    const int error = SSL_get_error(ssl_, result);
    short events = 0;
    if (error == SSL_ERROR_WANT_READ) {
      events = POLLIN;
    } else if (error == SSL_ERROR_WANT_WRITE) {
      events = POLLOUT;
    } else {
      return false;
    }
    pollfd p{fd_, events, 0};
    return ::poll(&p, 1, MillisecondsUntil(deadline)) > 0;
  }

  int fd_;
  SSL_CTX* context_ = nullptr;
  SSL* ssl_ = nullptr;
};

std::optional<std::string> HttpReply::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (IEquals(key, name)) return value;
  }
  return std::nullopt;
}

HttpConnection::HttpConnection(std::uint16_t port, const std::optional<TlsClientOptions>& tls) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect failed");
  }
  if (tls) {
    try {
      tls_ = std::make_unique<TlsSession>(fd_, *tls);
    } catch (...) {
      ::close(fd_);
      fd_ = -1;
      throw;
    }
  }
}

HttpConnection::~HttpConnection() {
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

bool HttpConnection::Send(std::string_view bytes) {
  if (tls_) return tls_->Write(bytes, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool HttpConnection::Fill(std::chrono::steady_clock::time_point deadline) {
  if (closed_) return false;
  char chunk[16384];
  if (tls_) {
    const long n = tls_->Read(chunk, sizeof chunk, deadline);
    if (n < 0) return false;
    if (n == 0) {
      closed_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  const int left = MillisecondsUntil(deadline);
  if (left <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, left) <= 0) return false;
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

bool HttpConnection::ReadUntil(std::string_view needle, std::string* received,
                               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (buffer_.find(needle) == std::string::npos) {
    if (!Fill(deadline)) {
      if (received) *received = buffer_;
      return false;
    }
  }
  const auto end = buffer_.find(needle) + needle.size();
  if (received) *received = buffer_.substr(0, end);
  buffer_.erase(0, end);
  return true;
}

bool HttpConnection::WaitForClose(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    if (!Fill(deadline) && !closed_) return false;
  }
  return true;
}

std::optional<HttpReply> HttpConnection::ReadReply(std::chrono::milliseconds timeout,
                                                   bool head_only) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto reply = ReadHead(timeout);
  if (!reply) return std::nullopt;
  if (head_only) return reply;
  if (!ReadBody(&*reply, std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now()))) {
    return std::nullopt;
  }
  return reply;
}

std::optional<HttpReply> HttpConnection::ReadHead(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return std::nullopt;
  }
  HttpReply reply;
  const std::string head = buffer_.substr(0, head_end);
  buffer_.erase(0, head_end + 4);
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  reply.status = std::atoi(status_line.substr(9, 3).c_str());
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line =
        head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    reply.headers.emplace_back(line.substr(0, colon), value);
  }
  return reply;
}

bool HttpConnection::ReadBody(HttpReply* reply, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (reply->status == 204 || reply->status == 304 || reply->status < 200) return true;
  if (const auto length = reply->Header("Content-Length")) {
    const std::size_t n = std::strtoull(length->c_str(), nullptr, 10);
    while (buffer_.size() < n) {
      if (!Fill(deadline)) return false;
    }
    reply->body = buffer_.substr(0, n);
    buffer_.erase(0, n);
  } else if (const auto te = reply->Header("Transfer-Encoding"); te && IEquals(*te, "chunked")) {
    while (true) {
      const ChunkRead read = ReadChunk(&reply->body, deadline);
      if (read == ChunkRead::kFailed) return false;
      if (read == ChunkRead::kLast) break;
    }
  } else {
    while (Fill(deadline)) {
    }
    reply->body = std::move(buffer_);
    buffer_.clear();
  }
  return true;
}

HttpConnection::ChunkRead HttpConnection::ReadChunk(
    std::string* data, std::chrono::steady_clock::time_point deadline) {
  std::size_t eol;
  while ((eol = buffer_.find("\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return ChunkRead::kFailed;
  }
  const std::string size_line = buffer_.substr(0, eol);
  char* size_end = nullptr;
  const std::size_t size = std::strtoull(size_line.c_str(), &size_end, 16);
  if (size_line.empty() || size_end == size_line.c_str()) return ChunkRead::kFailed;
  while (buffer_.size() < eol + 2 + size + 2) {
    if (!Fill(deadline)) return ChunkRead::kFailed;
  }
  if (buffer_.compare(eol + 2 + size, 2, "\r\n") != 0) return ChunkRead::kFailed;
  data->append(buffer_, eol + 2, size);
  buffer_.erase(0, eol + 2 + size + 2);
  return size == 0 ? ChunkRead::kLast : ChunkRead::kData;
}

namespace {

HttpReply RequestOn(HttpConnection& connection, std::string_view method, std::string_view target,
                    std::string_view body, const std::vector<std::string>& extra_headers) {
  std::string request = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\n";
  request += "Host: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& header : extra_headers) request += header + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  connection.Send(request);
  auto reply = connection.ReadReply(std::chrono::seconds(10), method == "HEAD");
  if (!reply)
    throw std::runtime_error("no reply for " + std::string(method) + " " + std::string(target));
  return *reply;
}

}  // namespace

HttpReply Request(std::uint16_t port, std::string_view method, std::string_view target,
                  std::string_view body, const std::vector<std::string>& extra_headers) {
  HttpConnection connection(port);
  return RequestOn(connection, method, target, body, extra_headers);
}

HttpReply Request(std::uint16_t port, const TlsClientOptions& tls, std::string_view method,
                  std::string_view target, std::string_view body,
                  const std::vector<std::string>& extra_headers) {
  HttpConnection connection(port, tls);
  return RequestOn(connection, method, target, body, extra_headers);
}

}  // namespace batuta::testing
