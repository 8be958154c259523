#include "http/connection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

#include "core/log.h"
#include "http/client_address.h"
#include "http/sse.h"

namespace batuta::http {
namespace {

constexpr auto kLingerTime = std::chrono::seconds(2);
// A client that lets this much SSE data pile up is too slow; it is cut off and can resume
// with Last-Event-ID.
constexpr std::size_t kMaxStreamBacklog = 8u << 20;

Connection& Self(http_parser* parser) { return *static_cast<Connection*>(parser->data); }

// "Date" header value, formatted at most once per second per thread.
std::string_view HttpDate() {
  thread_local std::time_t cached_second = 0;
  thread_local char buffer[64] = {};
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return buffer;
}

bool HasHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return true;
  }
  return false;
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

bool IsSafeRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

// The SseStream handed to streaming handlers. Safe to use from any thread. Events are
// appended to `pending_` under the stream's mutex, in the order Send was called, and one drain
// at a time is posted to the connection's strand, which writes everything pending as one
// chunk: order holds whichever thread sends, and a fast producer costs a few coalesced writes
// instead of one posted handler per event. Holds the connection only weakly.
class Connection::Stream final : public SseStream,
                                 public std::enable_shared_from_this<Connection::Stream> {
 public:
  Stream(std::weak_ptr<Connection> connection, asio::any_io_executor executor)
      : connection_(std::move(connection)), executor_(std::move(executor)) {}

  bool Send(const SseEvent& event) override { return Post(FormatSseEvent(event), false); }
  void Close() override { Post(std::string(), true); }
  bool IsOpen() const override {
    std::lock_guard lock(mutex_);
    return !closed_ && !closing_;
  }
  void OnClose(std::function<void()> callback) override {
    {
      std::lock_guard lock(mutex_);
      if (!closed_) {
        callbacks_.push_back(std::move(callback));
        return;
      }
    }
    callback();
  }

  // Called on the connection's thread when the stream is over.
  void MarkClosed() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
      pending_.clear();
      callbacks.swap(callbacks_);
    }
    for (auto& callback : callbacks) callback();
  }

 private:
  bool Post(const std::string& data, bool last) {
    bool post_drain = false;
    bool accepted = true;
    {
      std::lock_guard lock(mutex_);
      if (closed_ || closing_) return false;
      if (pending_.size() + data.size() > kMaxStreamBacklog) {
        // The connection's thread is not keeping up with this producer: end the stream
        // (the client resumes with Last-Event-ID) rather than grow without bound.
        spdlog::warn("sse stream closed: {} bytes not yet handed to the connection",
                     pending_.size());
        accepted = false;
        last = true;
      } else {
        pending_ += data;
      }
      if (last) closing_ = true;
      post_drain = !drain_posted_;
      drain_posted_ = true;
    }
    if (post_drain) asio::post(executor_, [self = shared_from_this()] { self->Drain(); });
    return accepted;
  }

  // On the connection's strand.
  void Drain() {
    std::string data;
    bool last = false;
    {
      std::lock_guard lock(mutex_);
      data.swap(pending_);
      last = closing_;
      drain_posted_ = false;
    }
    if (auto connection = connection_.lock()) connection->WriteStreamChunk(data, last);
  }

  std::weak_ptr<Connection> connection_;
  asio::any_io_executor executor_;
  mutable std::mutex mutex_;
  bool closed_ = false;
  bool closing_ = false;
  bool drain_posted_ = false;
  std::string pending_;  // formatted events not yet handed to the connection
  std::vector<std::function<void()>> callbacks_;
};

Connection::Connection(asio::ip::tcp::socket socket, Worker& worker, ServerShared& shared)
    : transport_(shared.tls ? Transport(std::move(socket), *shared.tls)
                            : Transport(std::move(socket))),
      worker_(worker),
      shared_(shared) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

Connection::~Connection() = default;

void Connection::Start() {
  worker_.connections.insert(this);
  {
    std::lock_guard lock(shared_.mutex);
    ++shared_.live_connections;
  }
  asio::error_code ec;
  const auto remote = transport_.Socket().remote_endpoint(ec);
  if (!ec) remote_address_ = remote.address().to_string();
  if (shared_.draining) {
    Close();
    return;
  }
  if (transport_.Secure()) {
    // The handshake is the first part of the request: a client too slow to finish it is cut
    // off after request_timeout, like one too slow to send its request.
    state_ = State::kHandshaking;
    ArmTimer(shared_.options.request_timeout);
    transport_.AsyncHandshake(
        [self = shared_from_this()](const asio::error_code& error) { self->OnHandshake(error); });
    return;
  }
  ArmTimer(shared_.options.idle_timeout);
  ReadMore();
}

void Connection::OnHandshake(const asio::error_code& ec) {
  if (state_ == State::kClosed) return;
  if (ec) {
    // Scanners, plain-HTTP clients and clients that distrust the certificate end up here;
    // routine on a public port, so not worth more than a debug line.
    spdlog::debug("tls handshake with {} failed: {}", remote_address_, ec.message());
    Close();
    return;
  }
  state_ = State::kReading;
  ArmTimer(shared_.options.idle_timeout);
  ReadMore();
}

void Connection::BeginDrain() {
  draining_ = true;
  keep_alive_ = false;
  switch (state_) {
    case State::kHandshaking:
      Close();
      break;
    case State::kReading:
      if (!request_started_ && input_offset_ == input_.size()) Close();
      break;
    case State::kStreaming:
      WriteStreamChunk(std::string(), true);
      break;
    case State::kLingering:
      Close();
      break;
    case State::kHandling:
    case State::kWriting:
    case State::kSendingBody:  // finishes the body, then closes (keep_alive_ is now false)
    case State::kClosed:
      break;
  }
}

void Connection::ForceClose() { Close(); }

// ---- reading and parsing ------------------------------------------------------------------

void Connection::ReadMore() {
  if (read_pending_ || state_ == State::kClosed) return;
  read_pending_ = true;
  transport_.AsyncReadSome(asio::buffer(read_buffer_),
                           [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
                             self->OnRead(ec, n);
                           });
}

void Connection::OnRead(const asio::error_code& ec, std::size_t n) {
  read_pending_ = false;
  if (state_ == State::kClosed) return;
  if (ec) {
    // Peer closed or reset. A half-received request gets no answer: nobody is listening.
    Close();
    return;
  }
  switch (state_) {
    case State::kReading:
      input_.append(read_buffer_.data(), n);
      Parse();
      break;
    case State::kStreaming:
    case State::kLingering:
      ReadMore();  // discard; we only watch for the peer closing
      break;
    case State::kHandshaking:
    case State::kHandling:
    case State::kWriting:
    case State::kSendingBody:
    case State::kClosed:
      break;  // no read is issued in these states
  }
}

void Connection::Parse() {
  const std::size_t available = input_.size() - input_offset_;
  if (available > 0) {
    const std::size_t parsed = http_parser_execute(&parser_, &shared_.parser_settings,
                                                   input_.data() + input_offset_, available);
    input_offset_ += parsed;
  }
  if (input_offset_ == input_.size()) {
    input_.clear();
    input_offset_ = 0;
  }
  if (parse_error_) {
    FailRequest(*parse_error_);
    return;
  }
  const auto err = HTTP_PARSER_ERRNO(&parser_);
  if (err != HPE_OK && err != HPE_PAUSED) {
    FailRequest(Error::InvalidArgument(
        fmt::format("malformed HTTP request: {}", http_errno_description(err))));
    return;
  }
  if (message_complete_) {
    HandleRequest();
    return;
  }
  if (expect_continue_ && !continue_sent_) {
    // The client waits for this before sending its body; the limits were checked already.
    continue_sent_ = true;
    transport_.WriteNow("HTTP/1.1 100 Continue\r\n\r\n");
  }
  ReadMore();
}

int Connection::OnMessageBegin() {
  request_started_ = true;
  request_start_ = std::chrono::steady_clock::now();
  ArmTimer(shared_.options.request_timeout);
  return 0;
}

bool Connection::CountHeadBytes(std::size_t length) {
  header_bytes_ += length;
  if (header_bytes_ <= shared_.options.max_header_bytes) return true;
  parse_error_ = Error{
      ErrorCode::kHeadersTooLarge,
      fmt::format("request line and headers exceed {} bytes", shared_.options.max_header_bytes)};
  return false;
}

bool Connection::CommitHeader() {
  request_.headers.emplace_back(std::move(header_field_), std::move(header_value_));
  header_field_.clear();
  header_value_.clear();
  in_header_value_ = false;
  if (request_.headers.size() <= shared_.options.max_header_count) return true;
  parse_error_ = Error{ErrorCode::kHeadersTooLarge,
                       fmt::format("more than {} header fields", shared_.options.max_header_count)};
  return false;
}

int Connection::OnUrl(const char* at, std::size_t length) {
  if (!CountHeadBytes(length)) return -1;
  request_.target.append(at, length);
  return 0;
}

int Connection::OnHeaderField(const char* at, std::size_t length) {
  if (in_header_value_ && !CommitHeader()) return -1;
  if (!CountHeadBytes(length)) return -1;
  header_field_.append(at, length);
  return 0;
}

int Connection::OnHeaderValue(const char* at, std::size_t length) {
  in_header_value_ = true;
  if (!CountHeadBytes(length)) return -1;
  header_value_.append(at, length);
  return 0;
}

int Connection::OnHeadersComplete() {
  if ((in_header_value_ || !header_field_.empty()) && !CommitHeader()) return -1;
  // RFC 9112 section 3.2: a request with more than one Host is refused. Code that compares
  // Host with Origin (the CSRF check) must not have to guess which one counts.
  const auto hosts =
      std::count_if(request_.headers.begin(), request_.headers.end(),
                    [](const auto& header) { return EqualsIgnoreCase(header.first, "Host"); });
  if (hosts > 1) {
    parse_error_ = Error::InvalidArgument("more than one Host header");
    return -1;
  }
  // http_parser leaves content_length at ULLONG_MAX when no Content-Length was sent.
  const bool has_length = parser_.content_length != ULLONG_MAX;
  if (has_length && parser_.content_length > shared_.options.max_body_bytes) {
    parse_error_ = Error{ErrorCode::kPayloadTooLarge,
                         fmt::format("request body of {} bytes exceeds the limit of {} bytes",
                                     parser_.content_length, shared_.options.max_body_bytes),
                         {{"limit_bytes", shared_.options.max_body_bytes}}};
    return -1;  // 1 and 2 have special meanings for http_parser; any other value is an error
  }
  if (const auto expect = request_.Header("Expect");
      expect && EqualsIgnoreCase(*expect, "100-continue")) {
    expect_continue_ = true;
  }
  if (has_length) request_.body.reserve(static_cast<std::size_t>(parser_.content_length));
  return 0;
}

int Connection::OnBody(const char* at, std::size_t length) {
  if (request_.body.size() + length > shared_.options.max_body_bytes) {
    parse_error_ = Error{
        ErrorCode::kPayloadTooLarge,
        fmt::format("request body exceeds the limit of {} bytes", shared_.options.max_body_bytes),
        {{"limit_bytes", shared_.options.max_body_bytes}}};
    return -1;
  }
  request_.body.append(at, length);
  return 0;
}

int Connection::OnMessageComplete() {
  message_complete_ = true;
  // Stop here even if a pipelined request follows: it is parsed after this one is answered.
  http_parser_pause(&parser_, 1);
  return 0;
}

// ---- handling ------------------------------------------------------------------------------

void Connection::HandleRequest() {
  state_ = State::kHandling;
  DisarmTimer();
  if (!http_should_keep_alive(&parser_) || draining_ || shared_.draining) keep_alive_ = false;
  request_.method = ParseMethod(http_method_str(static_cast<http_method>(parser_.method)));
  request_.remote_address =
      ClientAddress(remote_address_, request_.headers, shared_.options.trusted_proxies);
  request_.secure = transport_.Secure();
  request_.request_id = NextRequestId(request_);

  const std::string_view target = request_.target;
  if (target.empty() || target.front() != '/') {
    FailRequest(Error::InvalidArgument("request target must be an absolute path"));
    return;
  }
  const auto question = target.find('?');
  auto path = PercentDecode(target.substr(0, question), false);
  if (!path) {
    FailRequest(Error::InvalidArgument("malformed percent-encoding in the request path"));
    return;
  }
  request_.path = std::move(*path);
  if (question != std::string_view::npos) request_.query = std::string(target.substr(question + 1));

  Dispatch();
}

void Connection::Dispatch() {
  const Router& router = *shared_.router;
  if (shared_.cors.Enabled() && CorsPolicy::IsPreflight(request_)) {
    WriteResponse(shared_.cors.AnswerPreflight(request_, router.AllowedMethods(request_.path)));
    return;
  }
  const auto match = router.Find(request_);
  if (match.route != nullptr) {
    if (const auto* handler = std::get_if<Handler>(&match.route->handler)) {
      if (match.route->execution == Execution::kPool) {
        RunOnPool(*handler);
      } else {
        WriteResponse(CallHandler(*handler));
      }
      return;
    }
    const auto& sse_handler = std::get<SseHandler>(match.route->handler);
    auto stream = std::make_shared<Stream>(weak_from_this(), asio::make_strand(worker_.context));
    std::optional<Response> refused;
    try {
      refused = sse_handler(request_, stream);
    } catch (const std::exception& e) {
      spdlog::error("request {} {} {} failed: {}", request_.request_id, MethodName(request_.method),
                    request_.path, e.what());
      refused = ErrorResponse(Error::Internal(e.what()));
    }
    if (refused) {
      stream->MarkClosed();
      WriteResponse(*refused);
    } else {
      StartStream(std::move(stream));
    }
    return;
  }
  if (match.path_exists) {
    auto response = ErrorResponse(
        Error{ErrorCode::kMethodNotAllowed,
              fmt::format("{} is not allowed on {}", MethodName(request_.method), request_.path)});
    response.SetHeader("Allow", match.allow);
    WriteResponse(response);
    return;
  }
  const bool safe_method = request_.method == Method::kGet || request_.method == Method::kHead;
  if (safe_method && router.Fallback()) {
    WriteResponse(CallHandler(router.Fallback()));
    return;
  }
  WriteResponse(ErrorResponse(Error::NotFound(fmt::format("no route for {}", request_.path))));
}

Response Connection::CallHandler(const Handler& handler) const {
  try {
    return handler(request_);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", request_.request_id, MethodName(request_.method),
                  request_.path, e.what());
    return ErrorResponse(Error::Internal(e.what()));
  }
}

void Connection::RunOnPool(const Handler& handler) {
  // `handler` lives in the Router, which outlives the server. The connection stays in
  // kHandling (no reads, no parsing) until the response comes back to its own thread.
  asio::post(*shared_.handler_pool, [self = shared_from_this(), &handler] {
    Response response = self->CallHandler(handler);
    asio::post(self->worker_.context, [self, response = std::move(response)] {
      if (self->state_ == State::kHandling) self->WriteResponse(response);
    });
  });
}

std::string Connection::NextRequestId(const Request& request) {
  if (const auto given = request.Header("X-Request-Id"); given && IsSafeRequestId(*given)) {
    return std::string(*given);
  }
  return fmt::format("{}{:x}", worker_.request_id_prefix, ++worker_.request_counter);
}

// ---- writing -------------------------------------------------------------------------------

void Connection::WriteResponse(const Response& response) {
  const int status = response.status;
  const bool has_body = status != 204 && status != 304 && status >= 200;
  const bool head_only = request_.method == Method::kHead;
  const bool http_1_0 = parser_.http_major == 1 && parser_.http_minor == 0;
  const BodySource* source = has_body ? response.body_source.get() : nullptr;
  std::optional<std::uint64_t> source_size;
  if (source != nullptr) source_size = source->size();
  if (source != nullptr && !head_only) {
    body_source_ = response.body_source;
    body_size_ = source_size;
    body_chunked_ = !source_size && !http_1_0;
    body_done_ = false;
    body_sent_ = 0;
    body_chunk_.clear();
    // The first piece is pulled before the head is sent, so a source that fails at once still
    // gets a proper error response.
    if (auto pulled = PullBodyChunk(); !pulled.ok()) {
      body_source_.reset();
      spdlog::warn("request {} {} {}: response body failed: {}", request_.request_id,
                   MethodName(request_.method), request_.path, pulled.error().message);
      WriteResponse(ErrorResponse(pulled.error()));
      return;
    }
    // HTTP/1.0 has no chunked encoding: the end of a body of unknown length is the close.
    // Lingering sends a FIN and waits for the client's: closing at once could reset the
    // connection and lose the tail of the body without the client noticing.
    if (!source_size && http_1_0) {
      keep_alive_ = false;
      linger_after_write_ = true;
    }
  }
  output_.clear();
  output_.reserve(256 + response.body.size());
  output_ += fmt::format("HTTP/1.1 {} {}\r\n", status, ReasonPhrase(status));
  AppendHeader(output_, "Server", "batuta");
  AppendHeader(output_, "Date", HttpDate());
  if (!request_.request_id.empty()) AppendHeader(output_, "X-Request-Id", request_.request_id);
  for (const auto& [name, value] : shared_.options.default_headers) {
    if (!HasHeader(response.headers, name)) AppendHeader(output_, name, value);
  }
  for (const auto& [name, value] : response.headers) AppendHeader(output_, name, value);
  for (const auto& [name, value] : shared_.cors.ResponseHeaders(request_)) {
    AppendHeader(output_, name, value);
  }
  if (source != nullptr) {
    // HEAD gets the framing headers a GET would get.
    if (source_size) {
      AppendHeader(output_, "Content-Length", std::to_string(*source_size));
    } else if (!http_1_0) {
      AppendHeader(output_, "Transfer-Encoding", "chunked");
    }
  } else if (has_body) {
    AppendHeader(output_, "Content-Length", std::to_string(response.body.size()));
  }
  if (!keep_alive_) {
    AppendHeader(output_, "Connection", "close");
  } else if (http_1_0) {
    AppendHeader(output_, "Connection", "keep-alive");
  }
  output_ += "\r\n";
  response_status_ = status;
  if (body_source_) {
    state_ = State::kSendingBody;
    WriteBodyChunk();
    return;
  }
  if (has_body && !head_only && source == nullptr) output_ += response.body;

  response_body_bytes_ = source == nullptr ? response.body.size() : 0;
  state_ = State::kWriting;
  ArmTimer(shared_.options.request_timeout);
  transport_.AsyncWrite(asio::buffer(output_),
                        [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                          self->OnWritten(ec);
                        });
}

void Connection::FailRequest(const Error& error) {
  keep_alive_ = false;
  linger_after_write_ = true;
  if (request_.request_id.empty()) request_.request_id = NextRequestId(request_);
  state_ = State::kHandling;
  WriteResponse(ErrorResponse(error));
}

void Connection::OnWritten(const asio::error_code& ec) {
  if (state_ == State::kClosed) return;
  LogAccess(response_status_, response_body_bytes_);
  if (ec) {
    Close();
    return;
  }
  AfterResponse();
}

void Connection::AfterResponse() {
  if (!keep_alive_) {
    if (linger_after_write_) {
      Linger();
    } else {
      Close();
    }
    return;
  }
  ResetRequest();
  state_ = State::kReading;
  ArmTimer(shared_.options.idle_timeout);
  Parse();  // a pipelined request may already be buffered
}

// ---- streamed bodies -----------------------------------------------------------------------

Status Connection::PullBodyChunk() {
  Result<bool> more = false;
  try {
    more = body_source_->Next(body_chunk_);
  } catch (const std::exception& e) {
    more = Error::Internal(fmt::format("body source threw: {}", e.what()));
  }
  if (!more.ok()) return std::move(more).error();
  body_done_ = !*more;
  body_sent_ += body_chunk_.size();
  if (body_size_ && body_sent_ > *body_size_) {
    return Error::Internal(
        fmt::format("body source produced more than its size of {} bytes", *body_size_));
  }
  if (body_size_ && body_done_ && body_sent_ != *body_size_) {
    return Error::Internal(
        fmt::format("body source ended after {} of its {} bytes", body_sent_, *body_size_));
  }
  return Ok();
}

void Connection::WriteBodyChunk() {
  std::string_view suffix;
  if (body_chunked_) {
    if (!body_chunk_.empty()) output_ += fmt::format("{:x}\r\n", body_chunk_.size());
    if (body_done_) {
      suffix = body_chunk_.empty() ? "0\r\n\r\n" : "\r\n0\r\n\r\n";
    } else if (!body_chunk_.empty()) {
      suffix = "\r\n";
    }
  }
  const std::array<asio::const_buffer, 3> buffers{asio::buffer(output_), asio::buffer(body_chunk_),
                                                  asio::buffer(suffix.data(), suffix.size())};
  // The request timeout runs per piece, not per response: a download that keeps moving is
  // never cut off, a client that stops reading for request_timeout is.
  ArmTimer(shared_.options.request_timeout);
  transport_.AsyncWrite(buffers,
                        [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                          self->OnBodyChunkWritten(ec);
                        });
}

void Connection::OnBodyChunkWritten(const asio::error_code& ec) {
  if (state_ == State::kClosed) return;
  if (ec) {
    // Most often the client went away mid-download.
    spdlog::debug("request {}: client gone after {} body bytes: {}", request_.request_id,
                  body_sent_, ec.message());
    LogAccess(response_status_, static_cast<std::size_t>(body_sent_));
    Close();
    return;
  }
  if (body_done_) {
    body_source_.reset();
    body_chunk_.clear();
    body_chunk_.shrink_to_fit();
    LogAccess(response_status_, static_cast<std::size_t>(body_sent_));
    AfterResponse();
    return;
  }
  ContinueBody();
}

void Connection::ContinueBody() {
  output_.clear();
  body_chunk_.clear();
  if (auto pulled = PullBodyChunk(); !pulled.ok()) {
    AbortBody(pulled.error());
    return;
  }
  if (body_chunk_.empty() && !body_done_) {
    // The source has nothing yet: let the other connections of this loop run first.
    asio::post(worker_.context, [self = shared_from_this()] {
      if (self->state_ == State::kSendingBody) self->ContinueBody();
    });
    return;
  }
  WriteBodyChunk();
}

void Connection::AbortBody(const Error& error) {
  // The head is out: the only way left to tell the client the body is incomplete is to end
  // the connection before its framing is complete.
  spdlog::error("request {} {} {}: response body failed after {} bytes: {}", request_.request_id,
                MethodName(request_.method), request_.path, body_sent_, error.message);
  LogAccess(response_status_, static_cast<std::size_t>(body_sent_));
  Close();
}

void Connection::Linger() {
  // The client may still be sending the body we refused. Closing now would reset the
  // connection and could destroy our error response before the client reads it, so stop
  // sending, discard input for a short while, then close.
  state_ = State::kLingering;
  transport_.ShutdownSend();
  ArmTimer(kLingerTime);
  ReadMore();
}

void Connection::LogAccess(int status, std::size_t body_bytes) const {
  auto& log = AccessLog();
  if (!shared_.options.access_log || !log.should_log(spdlog::level::info)) return;
  const auto micros = request_started_ ? std::chrono::duration_cast<std::chrono::microseconds>(
                                             std::chrono::steady_clock::now() - request_start_)
                                             .count()
                                       : 0;
  log.info("http {} {} {} {}B {}us {} id={}", MethodName(request_.method),
           request_.path.empty() ? std::string_view{"-"} : std::string_view{request_.path}, status,
           body_bytes, micros,
           request_.remote_address.empty() ? remote_address_ : request_.remote_address,
           request_.request_id);
}

// ---- Server-Sent Events --------------------------------------------------------------------

void Connection::StartStream(std::shared_ptr<Stream> stream) {
  stream_ = std::move(stream);
  state_ = State::kStreaming;
  std::string head = "HTTP/1.1 200 OK\r\n";
  AppendHeader(head, "Server", "batuta");
  AppendHeader(head, "Date", HttpDate());
  AppendHeader(head, "X-Request-Id", request_.request_id);
  AppendHeader(head, "Content-Type", "text/event-stream; charset=utf-8");
  AppendHeader(head, "Cache-Control", "no-store");
  AppendHeader(head, "X-Accel-Buffering", "no");
  AppendHeader(head, "Transfer-Encoding", "chunked");
  for (const auto& [name, value] : shared_.options.default_headers) AppendHeader(head, name, value);
  for (const auto& [name, value] : shared_.cors.ResponseHeaders(request_)) {
    AppendHeader(head, name, value);
  }
  head += "\r\n";
  stream_backlog_ = std::move(head);
  LogAccess(200, 0);
  FlushStream();
  ArmTimer(shared_.options.sse_heartbeat);
  ReadMore();  // only to notice the client going away
}

void Connection::WriteStreamChunk(const std::string& data, bool last) {
  if (state_ != State::kStreaming || stream_finishing_) return;
  if (!data.empty()) {
    stream_backlog_ += fmt::format("{:x}\r\n", data.size());
    stream_backlog_ += data;
    stream_backlog_ += "\r\n";
  }
  if (last) {
    stream_backlog_ += "0\r\n\r\n";
    stream_finishing_ = true;
  }
  if (stream_backlog_.size() > kMaxStreamBacklog) {
    spdlog::warn("sse {} closed: client too slow ({} bytes pending)", request_.request_id,
                 stream_backlog_.size());
    Close();
    return;
  }
  FlushStream();
}

void Connection::FlushStream() {
  if (stream_write_pending_ || state_ != State::kStreaming) return;
  if (stream_backlog_.empty()) {
    if (stream_finishing_) Close();
    return;
  }
  output_ = std::move(stream_backlog_);
  stream_backlog_.clear();
  stream_write_pending_ = true;
  transport_.AsyncWrite(asio::buffer(output_),
                        [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                          self->stream_write_pending_ = false;
                          if (ec) {
                            self->Close();
                            return;
                          }
                          self->FlushStream();
                        });
}

// ---- timers and closing --------------------------------------------------------------------

void Connection::ArmTimer(std::chrono::milliseconds after) {
  deadline_ = std::chrono::steady_clock::now() + after;
}

void Connection::DisarmTimer() { deadline_ = std::chrono::steady_clock::time_point::max(); }

void Connection::OnDeadline() {
  DisarmTimer();
  switch (state_) {
    case State::kHandshaking:  // too slow to even start a request: nothing to answer
      Close();
      break;
    case State::kReading:
      if (request_started_) {
        FailRequest(Error{ErrorCode::kTimeout, "the request was not received in time"});
      } else {
        Close();  // idle keep-alive connection
      }
      break;
    case State::kStreaming:
      WriteStreamChunk(": keep-alive\n\n", false);
      ArmTimer(shared_.options.sse_heartbeat);
      break;
    case State::kWriting:      // the client stopped reading
    case State::kSendingBody:  // the client read nothing of the last piece in time
    case State::kLingering:    // done waiting for the client to go away
      Close();
      break;
    case State::kHandling:
    case State::kClosed:
      break;
  }
}

void Connection::ResetRequest() {
  request_ = Request{};
  header_field_.clear();
  header_value_.clear();
  in_header_value_ = false;
  header_bytes_ = 0;
  request_started_ = false;
  message_complete_ = false;
  expect_continue_ = false;
  continue_sent_ = false;
  parse_error_.reset();
  http_parser_pause(&parser_, 0);
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  DisarmTimer();
  transport_.Close();
  // Released now, not when the last handler holding the connection has run: a file source
  // holds a descriptor, a compressor its window.
  body_source_.reset();
  if (stream_) stream_->MarkClosed();
  worker_.connections.erase(this);
  std::lock_guard lock(shared_.mutex);
  if (--shared_.live_connections == 0) shared_.all_closed.notify_all();
}

// ---- http_parser trampolines ---------------------------------------------------------------

http_parser_settings MakeParserSettings() {
  http_parser_settings s{};
  http_parser_settings_init(&s);
  s.on_message_begin = [](http_parser* p) { return Self(p).OnMessageBegin(); };
  s.on_url = [](http_parser* p, const char* at, std::size_t n) { return Self(p).OnUrl(at, n); };
  s.on_header_field = [](http_parser* p, const char* at, std::size_t n) {
    return Self(p).OnHeaderField(at, n);
  };
  s.on_header_value = [](http_parser* p, const char* at, std::size_t n) {
    return Self(p).OnHeaderValue(at, n);
  };
  s.on_headers_complete = [](http_parser* p) { return Self(p).OnHeadersComplete(); };
  s.on_body = [](http_parser* p, const char* at, std::size_t n) { return Self(p).OnBody(at, n); };
  s.on_message_complete = [](http_parser* p) { return Self(p).OnMessageComplete(); };
  return s;
}

}  // namespace batuta::http
