#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "rows/row.h"

namespace batuta::sources {

enum class SqlKind { kSqlite, kPostgres, kMysql, kOdbc };

// Where and how to connect. Filled by connections/ from a stored connection with its secrets
// decrypted; never logged (it holds the password).
struct SqlEndpoint {
  SqlKind kind = SqlKind::kSqlite;
  // sqlite: an absolute path, already confined to an allowed root by the caller.
  std::string sqlite_path;
  // postgres / mysql. `host` may be a socket directory (postgres) or empty with `socket` set
  // (mysql). port 0 means the driver's default.
  std::string host;
  int port = 0;
  std::string socket;
  std::string database;
  std::string user;
  std::string password;
  // Driver options: postgres "sslmode", "application_name"; mysql "ssl_mode". Unknown keys
  // are refused by connections/ before they get here.
  std::map<std::string, std::string> options;
  // odbc: a full connection string ("Driver={...};Server=...;UID=...;PWD=...") or "DSN=name";
  // `user`/`password`, when set, are appended as UID/PWD.
  std::string odbc_connection_string;
};

// A value bound to a named parameter (:name in the SQL), in the canonical text form of its
// type (see rows::Cell). Bound, never pasted into the SQL text.
struct BindValue {
  std::string name;
  rows::ColumnType type = rows::ColumnType::kText;
  std::string text;
  bool is_null = false;
};

struct QueryRequest {
  std::string sql;  // one statement; named parameters as :name
  std::vector<BindValue> binds;
  // Run in a read-only transaction (postgres, mysql), with query_only (sqlite), or with the
  // ODBC read-only access mode hint.
  bool read_only = true;
  std::chrono::milliseconds statement_timeout{0};  // 0: none
  // IANA zone for the session (postgres TimeZone; mysql time_zone where the server knows the
  // name, otherwise the zone's current UTC offset): how timestamps with zone are rendered.
  std::string time_zone = "UTC";
  // Called every `progress_every` rows delivered and once at the end, with the total so far.
  std::function<void(std::uint64_t rows)> on_progress;
  std::uint64_t progress_every = 10000;
  // Called with a sentence on how the rows are fetched when a driver chooses between ways
  // (postgres: a binary COPY or single-row mode, and why), for the run's log.
  std::function<void(std::string_view note)> on_note;
};

// One open connection to a database. Query is called from one thread at a time; Cancel may
// be called from any thread at any time (also when no query runs, then it is a no-op) and
// makes a running Query return kCancelled-like kUnavailable("query cancelled") soon, having
// asked the server to stop the statement.
//
// Errors: cannot connect / connection lost / wrong password: kUnavailable with the driver's
// message (never the password); the database refused the statement (syntax, unknown table,
// permission, read-only violation, statement timeout): kInvalidArgument with the driver's
// message; a parameter used in the SQL with no bind value: kValidation naming it. An error
// returned by the RowSink is returned unchanged.
class SqlSession {
 public:
  virtual ~SqlSession() = default;
  // The server's product and version ("PostgreSQL 15.10"), for "test connection".
  virtual Result<std::string> ServerVersion() = 0;
  // Streams the statement's rows into `sink` in constant memory.
  virtual Status Query(const QueryRequest& request, rows::RowSink& sink) = 0;
  virtual void Cancel() = 0;
};

// Connects. `connect_timeout` bounds the connection attempt (0: driver default).
Result<std::unique_ptr<SqlSession>> OpenSqlSession(const SqlEndpoint& endpoint,
                                                   std::chrono::milliseconds connect_timeout);

std::string_view SqlKindName(SqlKind kind);  // "sqlite", "postgres", "mysql", "odbc"

}  // namespace batuta::sources
