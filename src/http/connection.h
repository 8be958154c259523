#pragma once

// Internal to the http library: one accepted TCP connection, plain or TLS. Asio and
// http_parser are included only by src/http; nothing outside it sees them.

#include <http_parser.h>

#include <array>
#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "core/error.h"
#include "http/cors.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "http/server.h"
#include "http/transport.h"

namespace batuta::http {

class Connection;

// State shared by all I/O threads of one server; immutable while serving, except the
// atomics and the live-connection counter guarded by `mutex`.
struct ServerShared {
  ServerOptions options;
  const Router* router = nullptr;
  http_parser_settings parser_settings{};
  std::atomic<bool> draining{false};
  std::optional<asio::thread_pool> handler_pool;  // runs Execution::kPool handlers
  std::unique_ptr<asio::ssl::context> tls;        // set when serving HTTPS
  CorsPolicy cors;

  std::mutex mutex;
  std::condition_variable all_closed;  // signalled when live_connections drops to 0
  std::size_t live_connections = 0;
};

// One I/O thread's event loop and the connections it owns. Everything but `context` is only
// touched on that loop's thread.
struct Worker {
  asio::io_context context{1};
  std::unordered_set<Connection*> connections;
  // Deadlines are checked by one periodic sweep per loop instead of a timer per connection:
  // re-arming a timer several times per request costs more than the request itself.
  asio::steady_timer sweep{context};
  std::string request_id_prefix;  // random per process, plus the worker's index
  std::uint64_t request_counter = 0;
};

// Lifecycle: [TLS handshake ->] reading a request -> handling it -> writing the response
// (complete, or its head and then a BodySource piece by piece) -> reading the next
// (keep-alive) | streaming SSE | lingering after an error response | closed.
// Every method runs on the owning worker's thread; SseStream posts onto it from other threads.
// Plain and TLS connections differ only in their Transport and the handshake state.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Speaks TLS over `socket` when shared.tls is set.
  Connection(asio::ip::tcp::socket socket, Worker& worker, ServerShared& shared);
  ~Connection();

  void Start();
  // Server is stopping: close if idle, else finish the current response and close.
  void BeginDrain();
  // Closes the socket now.
  void ForceClose();
  // Called by the worker's sweep: runs the timeout action once the deadline has passed.
  bool DeadlinePassed(std::chrono::steady_clock::time_point now) const { return now >= deadline_; }
  void OnDeadline();

  // http_parser callbacks (static trampolines in connection.cc forward here).
  int OnMessageBegin();
  int OnUrl(const char* at, std::size_t length);
  int OnHeaderField(const char* at, std::size_t length);
  int OnHeaderValue(const char* at, std::size_t length);
  int OnHeadersComplete();
  int OnBody(const char* at, std::size_t length);
  int OnMessageComplete();

  // Called by the SSE stream (on this connection's thread).
  void WriteStreamChunk(const std::string& data, bool last);

 private:
  enum class State {
    kHandshaking,
    kReading,
    kHandling,
    kWriting,
    kSendingBody,  // writing a Response::body_source; one piece in flight at a time
    kStreaming,    // SSE
    kLingering,
    kClosed
  };
  class Stream;

  void OnHandshake(const asio::error_code& ec);
  void ReadMore();
  void OnRead(const asio::error_code& ec, std::size_t n);
  void Parse();
  void HandleRequest();
  void Dispatch();
  // Runs a handler, turning an exception into a 500. Thread-safe with respect to this
  // connection while it is in State::kHandling (nothing else touches request_ then).
  Response CallHandler(const Handler& handler) const;
  void RunOnPool(const Handler& handler);
  void StartStream(std::shared_ptr<Stream> stream);
  void WriteResponse(const Response& response);
  void FailRequest(const Error& error);
  void OnWritten(const asio::error_code& ec);
  // After a response was written completely: the next request, lingering or closing.
  void AfterResponse();
  // Streamed bodies: pulls one piece from body_source_ into body_chunk_ and checks it against
  // the declared size; then writes it (with output_ in front: the head, a chunk-size line).
  Status PullBodyChunk();
  void WriteBodyChunk();
  void OnBodyChunkWritten(const asio::error_code& ec);
  void ContinueBody();
  void AbortBody(const Error& error);
  void Linger();
  void FlushStream();
  void ArmTimer(std::chrono::milliseconds after);
  void DisarmTimer();
  void Close();
  void ResetRequest();
  // Adds to the size of the request head; false (with parse_error_ set) past the limit.
  bool CountHeadBytes(std::size_t length);
  // Moves the header being parsed into request_.headers; false past the header count limit.
  bool CommitHeader();
  void LogAccess(int status, std::size_t body_bytes) const;
  std::string NextRequestId(const Request& request);

  Transport transport_;
  Worker& worker_;
  ServerShared& shared_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  State state_ = State::kReading;

  http_parser parser_{};
  std::array<char, std::size_t{16} * 1024> read_buffer_{};
  std::string input_;  // received, not yet parsed bytes
  std::size_t input_offset_ = 0;
  bool read_pending_ = false;

  Request request_;
  std::string header_field_;
  std::string header_value_;
  bool in_header_value_ = false;
  std::size_t header_bytes_ = 0;
  bool request_started_ = false;
  bool message_complete_ = false;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  std::optional<Error> parse_error_;  // a limit the callbacks refused
  std::chrono::steady_clock::time_point request_start_{};

  bool keep_alive_ = true;
  bool linger_after_write_ = false;
  std::string remote_address_;
  bool draining_ = false;
  std::string output_;
  int response_status_ = 0;
  std::size_t response_body_bytes_ = 0;

  std::shared_ptr<BodySource> body_source_;  // set in kSendingBody only
  std::optional<std::uint64_t> body_size_;   // the source's declared size (Content-Length)
  bool body_chunked_ = false;                // Transfer-Encoding: chunked framing
  bool body_done_ = false;                   // the source reported its end
  std::uint64_t body_sent_ = 0;              // payload bytes pulled so far
  std::string body_chunk_;                   // the piece being written

  std::shared_ptr<Stream> stream_;
  std::string stream_backlog_;  // chunks queued while a write is in flight
  bool stream_write_pending_ = false;
  bool stream_finishing_ = false;
};

// Callbacks that route http_parser events to the Connection in parser->data.
http_parser_settings MakeParserSettings();

}  // namespace batuta::http
