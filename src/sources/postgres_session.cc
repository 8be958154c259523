#include "sources/postgres_session.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sources/named_parameters.h"
#include "sources/postgres_copy.h"
#include "sources/postgres_rows.h"

namespace batuta::sources {
namespace {

using rows::ColumnType;

// While a query is marked cancelled and the server has not answered, the cancel request is
// sent again this often: one sent while the backend was still reading the statement is ignored
// by the server.
constexpr int kCancelResendMs = 500;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// libpq messages end with a newline and may span lines; one trimmed line reads better in a
// run's error.
std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string_view Field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value == nullptr ? std::string_view{} : std::string_view{value};
}

// The server's error as one message: primary text, SQLSTATE, position, detail and hint.
std::string ServerMessage(const PGresult* result) {
  std::string message(Field(result, PG_DIAG_MESSAGE_PRIMARY));
  if (message.empty()) message = OneLine(PQresultErrorMessage(result));
  std::string suffix;
  if (const auto state = Field(result, PG_DIAG_SQLSTATE); !state.empty()) {
    suffix = "SQLSTATE " + std::string(state);
  }
  if (const auto position = Field(result, PG_DIAG_STATEMENT_POSITION); !position.empty()) {
    suffix += (suffix.empty() ? "" : ", ") + std::string("at character ") + std::string(position);
  }
  if (!suffix.empty()) message += " (" + suffix + ")";
  if (const auto detail = Field(result, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) {
    message += ". Detail: " + OneLine(detail);
  }
  if (const auto hint = Field(result, PG_DIAG_MESSAGE_HINT); !hint.empty()) {
    message += ". Hint: " + OneLine(hint);
  }
  return message;
}

// Connection exceptions (08), operator intervention (57P: shutdown, crash) and "too many
// connections" mean the database is unavailable, not that the statement is wrong.
bool IsUnavailableState(std::string_view state) {
  return state.starts_with("08") || state.starts_with("57P") || state == "53300";
}

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

class PostgresSession final : public SqlSession {
 public:
  explicit PostgresSession(PGconn* connection) : connection_(connection) {
    PQsetNoticeProcessor(connection_, IgnoreNotice, nullptr);
    cancel_ = PQgetCancel(connection_);
  }
  ~PostgresSession() override {
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    PQfinish(connection_);
  }
  PostgresSession(const PostgresSession&) = delete;
  PostgresSession& operator=(const PostgresSession&) = delete;

  Result<std::string> ServerVersion() override {
    BATUTA_RETURN_IF_ERROR(EnsureConnected());
    const char* version = PQparameterStatus(connection_, "server_version");
    return std::string("PostgreSQL ") + (version == nullptr ? "(unknown version)" : version);
  }

  Status Query(const QueryRequest& request, rows::RowSink& sink) override;

  void Cancel() override {
    const std::lock_guard lock(cancel_mutex_);
    if (!running_) return;
    cancelled_ = true;
    SendCancelLocked();
  }

 private:
  // Reconnects a session whose connection broke (server restart, network), with the same
  // parameters.
  Status EnsureConnected();
  Status RunPrelude(const QueryRequest& request);
  Status Stream(const RewrittenSql& rewritten, const std::vector<const char*>& values,
                const QueryRequest& request, rows::RowSink& sink);
  // The next result of the running statement (see AwaitInput).
  PgResult NextResult(const QueryRequest& request);
  // Waits up to kCancelResendMs for the server and reads what it sent. Waits on the socket
  // rather than inside libpq so a pending cancel can be sent again (see kCancelResendMs), and
  // cancels the statement once the query has run longer than its timeout: a backstop for the
  // server's statement_timeout, which a pooler or a server setting can defeat. False when the
  // connection failed.
  bool AwaitInput(const QueryRequest& request, bool& deadline_cancel_sent);
  // Parses `sql` (no parameters) as the unnamed statement and describes its columns. Null
  // after an error, which is then in `error`.
  PgResult Describe(const std::string& sql, const QueryRequest& request,
                    std::optional<Error>& error);
  // Streams the described statement's rows through `COPY (sql) TO STDOUT (FORMAT binary)`.
  Status StreamCopy(const std::string& sql, const PGresult* description,
                    const QueryRequest& request, rows::RowSink& sink);
  // Collects the results of the running statement after its rows: the server's first error.
  std::optional<Error> FinishStatement(const QueryRequest& request);
  void EndTransaction(bool read_only);
  Error StatementError(const PGresult* result, const QueryRequest& request) const;
  Error ConnectionError(std::string_view what) const {
    return Error::Unavailable(std::string(what) + ": " + OneLine(PQerrorMessage(connection_)));
  }
  void SetRunning(bool running) {
    const std::lock_guard lock(cancel_mutex_);
    running_ = running;
    if (running) cancelled_ = false;
    stop_requested_ = false;
  }
  bool Cancelled() {
    const std::lock_guard lock(cancel_mutex_);
    return cancelled_;
  }
  // Asks the server to stop the running statement because the sink failed.
  void StopStatement() {
    const std::lock_guard lock(cancel_mutex_);
    stop_requested_ = true;
    SendCancelLocked();
  }
  void SendCancelLocked() {
    if (cancel_ == nullptr) return;
    char error[256];
    // A failed cancel request leaves the statement running to its end or its timeout.
    PQcancel(cancel_, error, sizeof error);
  }

  PGconn* connection_;
  std::chrono::steady_clock::time_point started_;  // of the running query
  // Cancel() runs on any thread: it only touches the members below, under the mutex, and
  // PQcancel is thread-safe. It holds the mutex while the request is sent, so a Query that has
  // finished its statement waits for a cancel in flight before it sends the next one.
  std::mutex cancel_mutex_;
  PGcancel* cancel_ = nullptr;
  bool running_ = false;
  bool cancelled_ = false;
  bool stop_requested_ = false;
};

Status PostgresSession::EnsureConnected() {
  if (PQstatus(connection_) == CONNECTION_OK) return Ok();
  PQreset(connection_);
  const std::lock_guard lock(cancel_mutex_);
  if (cancel_ != nullptr) PQfreeCancel(cancel_);
  cancel_ = nullptr;
  if (PQstatus(connection_) != CONNECTION_OK) return ConnectionError("connection lost");
  cancel_ = PQgetCancel(connection_);
  return Ok();
}

Status PostgresSession::RunPrelude(const QueryRequest& request) {
  char* zone = PQescapeLiteral(connection_, request.time_zone.data(), request.time_zone.size());
  if (zone == nullptr) return ConnectionError("cannot quote the time zone");
  const std::string zone_literal(zone);
  PQfreemem(zone);
  const std::string set = request.read_only ? "SET LOCAL " : "SET ";
  std::string prelude = request.read_only ? "BEGIN READ ONLY; " : "";
  prelude += set + "DateStyle = 'ISO, YMD'; " + set + "IntervalStyle = 'iso_8601'; " + set +
             "extra_float_digits = 3; " + set + "bytea_output = 'hex'; " + set +
             "statement_timeout = " + std::to_string(request.statement_timeout.count()) + "; " +
             set + "TimeZone = " + zone_literal;
  const PgResult result{PQexec(connection_, prelude.c_str())};
  if (result == nullptr) return ConnectionError("PostgreSQL");
  if (PQresultStatus(result.get()) == PGRES_COMMAND_OK) return Ok();
  const std::string_view state = Field(result.get(), PG_DIAG_SQLSTATE);
  if (state == "22023") {  // invalid_parameter_value: only the time zone comes from the caller
    return Error::Validation("time_zone", "PostgreSQL: " + ServerMessage(result.get()));
  }
  return StatementError(result.get(), request);
}

bool PostgresSession::AwaitInput(const QueryRequest& request, bool& deadline_cancel_sent) {
  using std::chrono::milliseconds;
  const int socket = PQsocket(connection_);
  if (socket < 0) return false;
  const bool timed = request.statement_timeout.count() > 0;
  const auto deadline = started_ + request.statement_timeout;
  // A cancel is (re)sent after kCancelResendMs of silence while one is wanted, and at once
  // when the deadline passes: rows may keep arriving, so the deadline is checked every turn.
  const auto now = std::chrono::steady_clock::now();
  if (timed && now >= deadline && !deadline_cancel_sent) {
    const std::lock_guard lock(cancel_mutex_);
    SendCancelLocked();
    deadline_cancel_sent = true;
  }
  int wait_ms = kCancelResendMs;
  if (timed && now < deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - now);
    wait_ms = static_cast<int>(std::clamp<milliseconds::rep>(left.count() + 1, 1, kCancelResendMs));
  }
  pollfd waiting{socket, POLLIN, 0};
  const int ready = ::poll(&waiting, 1, wait_ms);
  if (ready < 0) return errno == EINTR;
  if (ready == 0) {
    const std::lock_guard lock(cancel_mutex_);
    if (cancelled_ || stop_requested_ || deadline_cancel_sent) SendCancelLocked();
    return true;
  }
  return PQconsumeInput(connection_) != 0;
}

PgResult PostgresSession::NextResult(const QueryRequest& request) {
  bool deadline_cancel_sent = false;
  while (PQisBusy(connection_) && AwaitInput(request, deadline_cancel_sent)) {
  }
  // When waiting failed, PQgetResult waits inside libpq and reports the problem.
  return PgResult{PQgetResult(connection_)};
}

Error PostgresSession::StatementError(const PGresult* result, const QueryRequest& request) const {
  const std::string_view state = Field(result, PG_DIAG_SQLSTATE);
  if (PQstatus(connection_) != CONNECTION_OK || state.empty() || IsUnavailableState(state)) {
    const std::string message =
        state.empty() ? OneLine(PQerrorMessage(connection_)) : ServerMessage(result);
    return Error::Unavailable("PostgreSQL: " + message);
  }
  // The server's words depend on its lc_messages, so a cancel that came when the timeout was
  // due counts as the timeout too. Query reports cancels requested through Cancel() itself.
  if (state == "57014" && request.statement_timeout.count() > 0 &&
      (Field(result, PG_DIAG_MESSAGE_PRIMARY).find("statement timeout") != std::string_view::npos ||
       std::chrono::steady_clock::now() - started_ >= request.statement_timeout)) {
    return Error::InvalidArgument("statement timeout: the query ran longer than " +
                                  std::to_string(request.statement_timeout.count()) +
                                  " ms (SQLSTATE 57014)");
  }
  std::string message = "PostgreSQL: " + ServerMessage(result);
  if (state == "25006") message += " (queries run in a read-only transaction)";
  return Error::InvalidArgument(std::move(message));
}

void PostgresSession::EndTransaction(bool read_only) {
  if (PQstatus(connection_) != CONNECTION_OK) return;
  // Also after a non-read-only statement that left a transaction open (a lone BEGIN), so the
  // next query starts clean.
  if (read_only || PQtransactionStatus(connection_) != PQTRANS_IDLE) {
    const PgResult ignored{PQexec(connection_, "ROLLBACK")};
  }
}

Status PostgresSession::Query(const QueryRequest& request, rows::RowSink& sink) {
  auto rewritten = RewriteNamedParameters(request.sql, PlaceholderStyle::kDollarNumbered);
  if (!rewritten.ok()) return std::move(rewritten).error();
  // Text values, so the server infers each parameter's type from the statement. bytea's text
  // input wants \x before the hex digits.
  std::vector<std::string> hex_values;
  hex_values.reserve(rewritten->parameters.size());
  std::vector<const char*> values;
  values.reserve(rewritten->parameters.size());
  for (const std::string& name : rewritten->parameters) {
    const auto bind = std::find_if(request.binds.begin(), request.binds.end(),
                                   [&name](const BindValue& b) { return b.name == name; });
    if (bind == request.binds.end()) {
      return Error::Validation(name, "the query uses :" + name + " but no value is bound to it");
    }
    if (bind->is_null) {
      values.push_back(nullptr);
    } else if (bind->type == ColumnType::kBytes) {
      values.push_back(hex_values.emplace_back("\\x" + bind->text).c_str());
    } else {
      values.push_back(bind->text.c_str());
    }
  }

  BATUTA_RETURN_IF_ERROR(EnsureConnected());
  if (PQtransactionStatus(connection_) != PQTRANS_IDLE) EndTransaction(false);
  SetRunning(true);
  started_ = std::chrono::steady_clock::now();
  Status status = RunPrelude(request);
  if (!status.ok() && PQstatus(connection_) != CONNECTION_OK && !Cancelled()) {
    // The server or the network dropped the idle connection. Nothing of this query has run
    // yet, so reconnecting once is safe.
    status = EnsureConnected();
    if (status.ok()) status = RunPrelude(request);
  }
  if (status.ok()) status = Stream(*rewritten, values, request, sink);
  SetRunning(false);
  const bool cancelled = Cancelled();
  EndTransaction(request.read_only);
  if (cancelled) return Error::Unavailable("query cancelled");
  return status;
}

void Note(const QueryRequest& request, std::string_view note) {
  if (request.on_note) request.on_note(note);
}

// Why the statement cannot be the query of a binary COPY, or nullopt when it can: a query
// without parameters that starts as a query does (SHOW, EXPLAIN and SELECT INTO are not), in
// the read-only transaction, so that describing it and copying it see the same server
// session also behind a transaction-pooling pgbouncer.
std::optional<std::string_view> NotCopyable(const RewrittenSql& rewritten,
                                            const QueryRequest& request) {
  static constexpr std::string_view kQueryKeywords[] = {"select", "with", "values", "table"};
  if (!rewritten.parameters.empty()) return "the query has parameters, which COPY cannot bind";
  if (!request.read_only) return "the query is not read-only";
  if (std::find(std::begin(kQueryKeywords), std::end(kQueryKeywords), rewritten.leading_keyword) ==
      std::end(kQueryKeywords)) {
    return "the statement is not a query COPY can run";
  }
  return std::nullopt;
}

Status PostgresSession::Stream(const RewrittenSql& rewritten,
                               const std::vector<const char*>& values, const QueryRequest& request,
                               rows::RowSink& sink) {
  if (Cancelled()) return Ok();  // Query reports the cancellation
  int sent = 0;
  const std::optional<std::string_view> not_copyable = NotCopyable(rewritten, request);
  if (!not_copyable) {
    // A query without parameters whose columns all have exact binary renderings comes through
    // a binary COPY: the server skips its text output functions, libpq builds no PGresult per
    // row (docs/benchmarks.md). Parsing it first also proves it is one whole statement, so
    // wrapping it cannot change what it means.
    std::optional<Error> describe_error;
    const PgResult description = Describe(rewritten.sql, request, describe_error);
    if (describe_error) return *describe_error;
    const std::optional<std::string> unreadable = PostgresCopyReader::Unreadable(description.get());
    if (!unreadable) {
      Note(request, "rows come through a binary COPY");
      return StreamCopy(rewritten.sql.substr(0, rewritten.body_end), description.get(), request,
                        sink);
    }
    Note(request, "rows come in single-row mode: " + *unreadable);
    sent = PQsendQueryPrepared(connection_, "", 0, nullptr, nullptr, nullptr, 0);
  } else {
    Note(request, "rows come in single-row mode: " + std::string(*not_copyable));
    sent = PQsendQueryParams(connection_, rewritten.sql.c_str(), static_cast<int>(values.size()),
                             nullptr, values.data(), nullptr, nullptr, 0);
  }
  if (sent == 0) return ConnectionError("PostgreSQL");
  PQsetSingleRowMode(connection_);  // on failure the rows come in one result: slower, correct

  PostgresRowReader reader(sink, request);
  Status sink_status;                    // the first error the sink returned
  std::optional<Error> statement_error;  // the first error the server reported
  while (PgResult result = NextResult(request)) {
    const PGresult* res = result.get();
    switch (PQresultStatus(res)) {
      case PGRES_SINGLE_TUPLE:
      case PGRES_TUPLES_OK:
        if (!sink_status.ok()) break;  // draining after a sink error
        sink_status = reader.Deliver(res);
        if (!sink_status.ok()) StopStatement();
        break;
      case PGRES_COMMAND_OK:  // a statement without a result set (INSERT without RETURNING)
        if (!reader.begun() && sink_status.ok()) {
          sink_status = reader.Begin(res);
          if (!sink_status.ok()) StopStatement();
        }
        break;
      case PGRES_COPY_OUT: {
        char* buffer = nullptr;
        while (PQgetCopyData(connection_, &buffer, 0) > 0) PQfreemem(buffer);
        if (!statement_error) {
          statement_error = Error::InvalidArgument("COPY is not supported: write a SELECT");
        }
        break;
      }
      case PGRES_COPY_IN:
        PQputCopyEnd(connection_, "COPY FROM is not supported");
        break;
      default:
        if (!statement_error) statement_error = StatementError(res, request);
        break;
    }
  }
  if (!sink_status.ok()) return sink_status;
  if (statement_error) return *statement_error;
  if (PQstatus(connection_) != CONNECTION_OK) return ConnectionError("PostgreSQL");
  if (request.on_progress) request.on_progress(reader.delivered());
  return Ok();
}

PgResult PostgresSession::Describe(const std::string& sql, const QueryRequest& request,
                                   std::optional<Error>& error) {
  if (PQsendPrepare(connection_, "", sql.c_str(), 0, nullptr) == 0) {
    error = ConnectionError("PostgreSQL");
    return nullptr;
  }
  error = FinishStatement(request);
  if (error) return nullptr;
  if (PQsendDescribePrepared(connection_, "") == 0) {
    error = ConnectionError("PostgreSQL");
    return nullptr;
  }
  PgResult description;
  while (PgResult result = NextResult(request)) {
    if (PQresultStatus(result.get()) == PGRES_COMMAND_OK) {
      if (!description) description = std::move(result);
    } else if (!error) {
      error = StatementError(result.get(), request);
    }
  }
  if (!error && !description) error = ConnectionError("PostgreSQL");
  if (error) return nullptr;
  return description;
}

std::optional<Error> PostgresSession::FinishStatement(const QueryRequest& request) {
  std::optional<Error> error;
  while (PgResult result = NextResult(request)) {
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !error) {
      error = StatementError(result.get(), request);
    }
  }
  if (!error && PQstatus(connection_) != CONNECTION_OK) error = ConnectionError("PostgreSQL");
  return error;
}

Status PostgresSession::StreamCopy(const std::string& sql, const PGresult* description,
                                   const QueryRequest& request, rows::RowSink& sink) {
  PostgresCopyReader reader(sink, request);
  BATUTA_RETURN_IF_ERROR(reader.Begin(description));
  // The newline ends a trailing -- comment; the statement parsed alone, so its parentheses,
  // quotes and comments are balanced.
  const std::string copy = "COPY (\n" + sql + "\n) TO STDOUT (FORMAT binary)";
  if (PQsendQueryParams(connection_, copy.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 0) {
    return ConnectionError("PostgreSQL");
  }
  PgResult start = NextResult(request);
  if (start == nullptr) return ConnectionError("PostgreSQL");
  if (PQresultStatus(start.get()) != PGRES_COPY_OUT) {
    Error error = StatementError(start.get(), request);
    start.reset();
    (void)FinishStatement(request);
    return error;
  }
  start.reset();

  Status sink_status;  // the first error of the reader or the sink
  bool deadline_cancel_sent = false;
  for (;;) {
    char* buffer = nullptr;
    const int size = PQgetCopyData(connection_, &buffer, /*async=*/1);
    if (size > 0) {
      if (sink_status.ok()) {
        sink_status = reader.Feed({buffer, static_cast<std::size_t>(size)});
        if (!sink_status.ok()) StopStatement();
      }
      PQfreemem(buffer);
    } else if (size == 0) {
      if (!AwaitInput(request, deadline_cancel_sent)) break;
    } else {
      break;  // -1: the COPY is over; -2: an error, which the results below report
    }
  }
  std::optional<Error> statement_error = FinishStatement(request);
  if (!sink_status.ok()) return sink_status;
  if (statement_error) return *statement_error;
  BATUTA_RETURN_IF_ERROR(reader.Finish());
  if (request.on_progress) request.on_progress(reader.delivered());
  return Ok();
}

}  // namespace

Result<std::unique_ptr<SqlSession>> OpenPostgresSession(const SqlEndpoint& endpoint,
                                                        std::chrono::milliseconds connect_timeout) {
  std::string application_name = "batuta";
  std::string sslmode;
  for (const auto& [key, value] : endpoint.options) {
    if (key == "application_name") {
      application_name = value;
    } else if (key == "sslmode") {
      sslmode = value;
    } else {
      return Error::Validation("options." + key, "unknown PostgreSQL option '" + key + "'");
    }
  }
  // libpq counts whole seconds (and waits at least 2).
  const std::string timeout =
      connect_timeout.count() > 0 ? std::to_string((connect_timeout.count() + 999) / 1000) : "";
  const std::string port = endpoint.port > 0 ? std::to_string(endpoint.port) : "";
  // Empty values are ignored by libpq (its defaults apply). The password goes only here.
  const char* keywords[] = {"host",
                            "port",
                            "dbname",
                            "user",
                            "password",
                            "sslmode",
                            "application_name",
                            "connect_timeout",
                            "client_encoding",
                            nullptr};
  const char* values[] = {endpoint.host.c_str(),
                          port.c_str(),
                          endpoint.database.c_str(),
                          endpoint.user.c_str(),
                          endpoint.password.c_str(),
                          sslmode.c_str(),
                          application_name.c_str(),
                          timeout.c_str(),
                          "UTF8",
                          nullptr};
  PGconn* connection = PQconnectdbParams(keywords, values, /*expand_dbname=*/0);
  if (connection == nullptr) return Error::Unavailable("PostgreSQL: out of memory");
  if (PQstatus(connection) != CONNECTION_OK) {
    Error error =
        Error::Unavailable("cannot connect to PostgreSQL: " + OneLine(PQerrorMessage(connection)));
    PQfinish(connection);
    return error;
  }
  return std::unique_ptr<SqlSession>(std::make_unique<PostgresSession>(connection));
}

}  // namespace batuta::sources
