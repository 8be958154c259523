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

// How a column's text from the server becomes its canonical form (rows::Cell).
enum class Conversion {
  kAsIs,
  kBoolean,    // t / f → true / false
  kZonedTime,  // drop the +hh[:mm[:ss]] offset of timestamptz / timetz
  kHexBytes,   // drop the \x of bytea's hex output
};

struct TypeInfo {
  Oid oid;
  std::string_view name;
  ColumnType type;
  Conversion conversion;
};

// Built-in type OIDs (stable across PostgreSQL versions; src/include/catalog/pg_type.dat).
// Types not listed (arrays, enums, domains, extensions) are text with source_type "oid N".
constexpr TypeInfo kTypes[] = {
    {16, "boolean", ColumnType::kBoolean, Conversion::kBoolean},
    {17, "bytea", ColumnType::kBytes, Conversion::kHexBytes},
    {18, "char", ColumnType::kText, Conversion::kAsIs},
    {19, "name", ColumnType::kText, Conversion::kAsIs},
    {20, "bigint", ColumnType::kInteger, Conversion::kAsIs},
    {21, "smallint", ColumnType::kInteger, Conversion::kAsIs},
    {23, "integer", ColumnType::kInteger, Conversion::kAsIs},
    {25, "text", ColumnType::kText, Conversion::kAsIs},
    {26, "oid", ColumnType::kInteger, Conversion::kAsIs},
    {114, "json", ColumnType::kText, Conversion::kAsIs},
    {142, "xml", ColumnType::kText, Conversion::kAsIs},
    {650, "cidr", ColumnType::kText, Conversion::kAsIs},
    {700, "real", ColumnType::kNumber, Conversion::kAsIs},
    {701, "double precision", ColumnType::kNumber, Conversion::kAsIs},
    {705, "unknown", ColumnType::kText, Conversion::kAsIs},
    {790, "money", ColumnType::kText, Conversion::kAsIs},
    {829, "macaddr", ColumnType::kText, Conversion::kAsIs},
    {869, "inet", ColumnType::kText, Conversion::kAsIs},
    {1042, "character", ColumnType::kText, Conversion::kAsIs},
    {1043, "character varying", ColumnType::kText, Conversion::kAsIs},
    {1082, "date", ColumnType::kDate, Conversion::kAsIs},
    {1083, "time without time zone", ColumnType::kTime, Conversion::kAsIs},
    {1114, "timestamp without time zone", ColumnType::kTimestamp, Conversion::kAsIs},
    {1184, "timestamp with time zone", ColumnType::kTimestamp, Conversion::kZonedTime},
    {1186, "interval", ColumnType::kText, Conversion::kAsIs},
    {1266, "time with time zone", ColumnType::kTime, Conversion::kZonedTime},
    {1560, "bit", ColumnType::kText, Conversion::kAsIs},
    {1562, "bit varying", ColumnType::kText, Conversion::kAsIs},
    {1700, "numeric", ColumnType::kNumber, Conversion::kAsIs},
    {2950, "uuid", ColumnType::kText, Conversion::kAsIs},
    {3802, "jsonb", ColumnType::kText, Conversion::kAsIs},
};

const TypeInfo* FindType(Oid oid) {
  for (const TypeInfo& info : kTypes) {
    if (info.oid == oid) return &info;
  }
  return nullptr;
}

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

// Cuts the UTC offset off "2024-05-01 10:00:00.5+02" / "10:00:00+05:30". Values PostgreSQL
// prints without an offset (infinity) or with a BC suffix are left as they are.
std::string_view DropOffset(std::string_view text) {
  if (text.ends_with(" BC")) return text;
  const std::size_t time_start = text.find(' ') == std::string_view::npos ? 0 : text.find(' ');
  const std::size_t offset = text.find_first_of("+-", time_start);
  return offset == std::string_view::npos ? text : text.substr(0, offset);
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
  // The next result of the running statement. Waits on the socket rather than inside libpq so
  // a pending cancel can be sent again (see kCancelResendMs).
  PgResult NextResult();
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

PgResult PostgresSession::NextResult() {
  const int socket = PQsocket(connection_);
  while (socket >= 0 && PQisBusy(connection_)) {
    pollfd waiting{socket, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, kCancelResendMs);
    if (ready < 0 && errno != EINTR) break;  // PQgetResult waits and reports the problem
    if (ready == 0) {
      const std::lock_guard lock(cancel_mutex_);
      if (cancelled_ || stop_requested_) SendCancelLocked();
      continue;
    }
    if (ready > 0 && PQconsumeInput(connection_) == 0) break;
  }
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

Status PostgresSession::Stream(const RewrittenSql& rewritten,
                               const std::vector<const char*>& values, const QueryRequest& request,
                               rows::RowSink& sink) {
  if (Cancelled()) return Ok();  // Query reports the cancellation
  if (PQsendQueryParams(connection_, rewritten.sql.c_str(), static_cast<int>(values.size()),
                        nullptr, values.data(), nullptr, nullptr, 0) == 0) {
    return ConnectionError("PostgreSQL");
  }
  PQsetSingleRowMode(connection_);  // on failure the rows come in one result: slower, correct

  std::vector<rows::Column> columns;
  std::vector<Conversion> conversions;
  std::vector<rows::Cell> cells;
  bool begun = false;
  std::uint64_t delivered = 0;
  Status sink_status;                    // the first error a sink returned
  std::optional<Error> statement_error;  // the first error the server reported

  const auto begin = [&](const PGresult* result) {
    const int count = PQnfields(result);
    columns.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      const Oid oid = PQftype(result, i);
      const TypeInfo* info = FindType(oid);
      columns.push_back({PQfname(result, i), info ? info->type : ColumnType::kText,
                         info ? std::string(info->name) : "oid " + std::to_string(oid)});
      conversions.push_back(info ? info->conversion : Conversion::kAsIs);
    }
    cells.resize(columns.size());
    begun = true;
    sink_status = sink.Begin(columns);
    if (!sink_status.ok()) StopStatement();
  };

  while (PgResult result = NextResult()) {
    const PGresult* res = result.get();
    switch (PQresultStatus(res)) {
      case PGRES_SINGLE_TUPLE:
      case PGRES_TUPLES_OK: {
        if (!sink_status.ok()) break;  // draining after a sink error
        if (!begun) begin(res);
        const int row_count = PQntuples(res);
        for (int row = 0; row < row_count && sink_status.ok(); ++row) {
          for (std::size_t i = 0; i < cells.size(); ++i) {
            const int column = static_cast<int>(i);
            if (PQgetisnull(res, row, column)) {
              cells[i] = rows::Cell::Null();
              continue;
            }
            std::string_view text(PQgetvalue(res, row, column),
                                  static_cast<std::size_t>(PQgetlength(res, row, column)));
            switch (conversions[i]) {
              case Conversion::kAsIs:
                break;
              case Conversion::kBoolean:
                text = text == "t" ? "true" : "false";
                break;
              case Conversion::kZonedTime:
                text = DropOffset(text);
                break;
              case Conversion::kHexBytes:
                if (text.starts_with("\\x")) text.remove_prefix(2);
                break;
            }
            cells[i] = rows::Cell::Of(text);
          }
          sink_status = sink.Row(cells);
          if (!sink_status.ok()) {
            StopStatement();
            break;
          }
          ++delivered;
          if (request.on_progress && request.progress_every > 0 &&
              delivered % request.progress_every == 0) {
            request.on_progress(delivered);
          }
        }
        break;
      }
      case PGRES_COMMAND_OK:  // a statement without a result set (INSERT without RETURNING)
        if (!begun && sink_status.ok()) begin(res);
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
  if (request.on_progress) request.on_progress(delivered);
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
