#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/request.h"
#include "http/router.h"

namespace batuta::http {

struct ServerOptions {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see Server::Port)
  int io_threads = 0;         // 0: one per core
  int handler_threads = 4;    // threads for Execution::kPool handlers
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;  // request line + all header fields
  std::size_t max_header_count = 100;
  // Time a client has to send one complete request once it has started (slowloris guard).
  std::chrono::milliseconds request_timeout{30'000};
  // Time a keep-alive connection may stay idle between requests.
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds sse_heartbeat{15'000};
  bool access_log = true;
  // Added to every response unless the handler set the same header.
  HeaderList default_headers;

  // HTTPS: PEM files of the certificate chain (leaf first) and of its unencrypted private
  // key. Both empty: plain HTTP. Listen fails unless both are set, readable and match.
  std::filesystem::path tls_certificate_file;
  std::filesystem::path tls_private_key_file;
  // CORS allowlist of exact origins ("https://bi.example.com"). Empty: no CORS headers at
  // all. See src/http/README.md for what an allowed origin gets.
  std::vector<std::string> cors_allowed_origins;
  // Reverse proxies (exact IP addresses) whose X-Forwarded-For is believed for
  // Request::remote_address; see client_address.h. Empty: the TCP peer is the client.
  std::vector<std::string> trusted_proxies;

  bool Tls() const { return !tls_certificate_file.empty() || !tls_private_key_file.empty(); }
  // "https" or "http", for URLs that name this server.
  std::string_view Scheme() const { return Tls() ? "https" : "http"; }
};

// HTTP/1.1 server on standalone Asio and http_parser (see docs/decisions/0001). Requests are
// parsed, limited, routed through the Router and answered on a pool of I/O threads, each
// with its own event loop. Thread-safe: Shutdown may be called from any thread.
class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS certificate and key (when configured), then binds and listens. Errors name
  // the file or the address and the reason (missing file, key not matching the certificate,
  // port in use, bad address).
  Status Listen();
  // The bound port; valid after Listen succeeded (resolves port 0).
  std::uint16_t Port() const;
  // Starts the I/O threads; returns at once.
  void Start();
  // Graceful stop: closes the listener, lets requests in progress finish (their responses
  // carry "Connection: close"), closes idle keep-alive connections and SSE streams at once,
  // and force-closes whatever is still open after `grace`. Blocks until every I/O thread has
  // ended. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace batuta::http
