#include "http/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>
#include <vector>

#include "core/id.h"
#include "http/connection.h"
#include "http/tls_context.h"

namespace batuta::http {

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router) {
    shared_.options = std::move(options);
    shared_.router = &router;
    shared_.cors = CorsPolicy(shared_.options.cors_allowed_origins);
    shared_.parser_settings = MakeParserSettings();
    shared_.handler_pool.emplace(
        static_cast<std::size_t>(std::max(1, shared_.options.handler_threads)));
    const std::string id_prefix = RandomHex(4);
    int threads = shared_.options.io_threads;
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < threads; ++i) {
      workers_.push_back(std::make_unique<Worker>());
      workers_.back()->request_id_prefix = fmt::format("{}-{}-", id_prefix, i);
    }
    acceptor_.emplace(workers_.front()->context);
    retry_timer_.emplace(workers_.front()->context);
  }

  ~Impl() { Shutdown(std::chrono::milliseconds(0)); }

  Status Listen() {
    if (shared_.options.Tls()) {
      auto tls = MakeTlsContext(shared_.options.tls_certificate_file,
                                shared_.options.tls_private_key_file);
      if (!tls.ok()) return std::move(tls).error();
      shared_.tls = std::move(tls).value();
    }
    asio::error_code ec;
    const auto address = asio::ip::make_address(shared_.options.listen_address, ec);
    if (ec) {
      return Error::Validation(
          "listen", fmt::format("'{}' is not an IP address", shared_.options.listen_address));
    }
    const asio::ip::tcp::endpoint endpoint(address, shared_.options.port);
    auto& acceptor = *acceptor_;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Error::Unavailable(fmt::format("cannot listen on {}:{}: {}",
                                            shared_.options.listen_address, shared_.options.port,
                                            ec.message()));
    }
    port_ = acceptor.local_endpoint().port();
    return Ok();
  }

  std::uint16_t Port() const { return port_; }

  void Start() {
    for (auto& worker : workers_) {
      guards_.emplace_back(asio::make_work_guard(worker->context));
      threads_.emplace_back([w = worker.get()] { w->context.run(); });
      asio::post(worker->context, [w = worker.get()] { Sweep(*w); });
    }
    asio::post(workers_.front()->context, [this] { Accept(); });
  }

  void Shutdown(std::chrono::milliseconds grace) {
    std::lock_guard once(shutdown_mutex_);
    if (threads_.empty()) return;
    shared_.draining = true;
    asio::post(workers_.front()->context, [this] {
      asio::error_code ignored;
      acceptor_->close(ignored);
      retry_timer_->cancel();
    });
    for (auto& worker : workers_) {
      asio::post(worker->context, [w = worker.get()] {
        const std::vector<Connection*> live(w->connections.begin(), w->connections.end());
        for (auto* connection : live) connection->BeginDrain();
      });
    }
    {
      std::unique_lock lock(shared_.mutex);
      shared_.all_closed.wait_for(lock, grace, [this] { return shared_.live_connections == 0; });
      if (shared_.live_connections > 0) {
        spdlog::warn("shutdown: closing {} connection(s) still open after {} ms",
                     shared_.live_connections, grace.count());
      }
    }
    for (auto& worker : workers_) {
      asio::post(worker->context, [w = worker.get()] {
        const std::vector<Connection*> live(w->connections.begin(), w->connections.end());
        for (auto* connection : live) connection->ForceClose();
        w->sweep.cancel();
        w->context.stop();
      });
    }
    guards_.clear();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    // Handlers still running finish; their responses go nowhere (the loops have stopped).
    shared_.handler_pool->stop();
    shared_.handler_pool->join();
  }

 private:
  // Runs each connection's timeout action once its deadline has passed. The interval bounds
  // how late a timeout fires; all configured timeouts are much longer.
  static void Sweep(Worker& worker) {
    static constexpr auto kSweepInterval = std::chrono::milliseconds(100);
    worker.sweep.expires_after(kSweepInterval);
    worker.sweep.async_wait([&worker](const asio::error_code& ec) {
      if (ec) return;
      const auto now = std::chrono::steady_clock::now();
      std::vector<Connection*> due;
      for (auto* connection : worker.connections) {
        if (connection->DeadlinePassed(now)) due.push_back(connection);
      }
      // OnDeadline may close a connection, which removes it from the set: act after the scan.
      for (auto* connection : due) {
        if (worker.connections.count(connection) != 0) connection->OnDeadline();
      }
      Sweep(worker);
    });
  }

  void Accept() {
    Worker& target = *workers_[next_worker_++ % workers_.size()];
    acceptor_->async_accept(
        target.context, [this, &target](const asio::error_code& ec, asio::ip::tcp::socket socket) {
          if (!acceptor_->is_open()) return;
          if (ec) {
            // Typically out of file descriptors: back off briefly instead of spinning.
            spdlog::warn("accept failed: {}", ec.message());
            retry_timer_->expires_after(std::chrono::milliseconds(100));
            retry_timer_->async_wait([this](const asio::error_code& wait_ec) {
              if (!wait_ec) Accept();
            });
            return;
          }
          asio::error_code ignored;
          socket.set_option(asio::ip::tcp::no_delay(true), ignored);
          auto connection = std::make_shared<Connection>(std::move(socket), target, shared_);
          asio::post(target.context, [connection] { connection->Start(); });
          Accept();
        });
  }

  ServerShared shared_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::optional<asio::ip::tcp::acceptor> acceptor_;
  std::optional<asio::steady_timer> retry_timer_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::size_t next_worker_ = 0;
  std::uint16_t port_ = 0;
  std::mutex shutdown_mutex_;
};

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}
Server::~Server() = default;
Status Server::Listen() { return impl_->Listen(); }
std::uint16_t Server::Port() const { return impl_->Port(); }
void Server::Start() { impl_->Start(); }
void Server::Shutdown(std::chrono::milliseconds grace) { impl_->Shutdown(grace); }

}  // namespace batuta::http
