#include "store/sqlite/connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cassert>
#include <climits>

#include "store/sqlite/sqlite_error.h"

namespace batuta::sqlite {
namespace {

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n;") == std::string_view::npos;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::filesystem::path& file, Role role,
                                                     std::chrono::milliseconds busy_timeout) {
  // NOMUTEX: SQLite's own per-connection mutex is redundant, the pool hands each connection
  // to one thread at a time.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (role == Role::kWriter) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(db, rc, fmt::format("opening SQLite database '{}'", file.string()));
    sqlite3_close_v2(db);  // allocated even on failure; null is a no-op
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> connection(new Connection(db, role));
  BATUTA_RETURN_IF_ERROR(connection->Configure(busy_timeout));
  return connection;
}

Status Connection::Configure(std::chrono::milliseconds busy_timeout) {
  const auto timeout_ms = std::min<std::chrono::milliseconds::rep>(busy_timeout.count(), INT_MAX);
  sqlite3_busy_timeout(db_, static_cast<int>(timeout_ms));

  if (role_ == Role::kWriter) {
    // The first statement reads the file header: a file that is not a database fails here.
    auto mode = Prepare("PRAGMA journal_mode=WAL");
    if (!mode.ok()) return std::move(mode).error();
    auto row = mode->Step();
    if (!row.ok()) return std::move(row).error();
    const std::string got = *row ? mode->ColumnText(0) : "";
    if (got != "wal") {
      return Error::Unavailable(fmt::format(
          "could not switch the SQLite database to WAL mode (journal_mode is '{}'); WAL needs "
          "a local file system with shared memory support",
          got));
    }
  }
  BATUTA_RETURN_IF_ERROR(ExecuteScript("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"));
  if (role_ == Role::kReader) {
    BATUTA_RETURN_IF_ERROR(ExecuteScript("PRAGMA query_only=ON;"));
    // Touch the schema now, so a file that is not a database fails at open, not first use.
    BATUTA_RETURN_IF_ERROR(ExecuteScript("SELECT count(*) FROM sqlite_master;"));
  }
  return Ok();
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) {
    assert(!cached.in_use && "a Statement outlived its Connection");
    sqlite3_finalize(cached.stmt);
  }
  sqlite3_close_v2(db_);
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const bool cache = it == cache_.end();
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
  if (rc != SQLITE_OK) {
    return SqliteError(db_, rc, fmt::format("preparing '{}'", sql.substr(0, 80)));
  }
  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (stmt == nullptr || !IsBlank(rest)) {
    sqlite3_finalize(stmt);
    return Error::Internal(
        fmt::format("Prepare needs exactly one SQL statement, got '{}'", sql.substr(0, 80)));
  }
  if (!cache) return Statement(stmt, nullptr);
  auto [inserted, unused] = cache_.emplace(std::string(sql), CachedStatement{stmt, true});
  static_cast<void>(unused);
  return Statement(stmt, &inserted->second.in_use);
}

Status Connection::ExecuteScript(std::string_view script) {
  const char* next = script.data();
  const char* const end = script.data() + script.size();
  while (next < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db_, next, static_cast<int>(end - next), &raw, &tail);
    if (rc != SQLITE_OK) {
      const std::string_view rest(next, static_cast<std::size_t>(end - next));
      const std::size_t start = std::min(rest.find_first_not_of(" \t\r\n"), rest.size());
      return SqliteError(db_, rc, fmt::format("preparing '{}'", rest.substr(start, 80)));
    }
    if (raw == nullptr) break;  // only whitespace or comments were left
    next = tail;
    Statement statement(raw, nullptr);
    BATUTA_RETURN_IF_ERROR(statement.Run());
  }
  return Ok();
}

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Connection::BackupTo(const std::filesystem::path& target) {
  sqlite3* copy = nullptr;
  int rc =
      sqlite3_open_v2(target.c_str(), &copy,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(copy, rc, fmt::format("opening the backup '{}'", target.string()));
    sqlite3_close_v2(copy);
    return error;
  }
  Status status = Ok();
  sqlite3_backup* backup = sqlite3_backup_init(copy, "main", db_, "main");
  if (backup == nullptr) {
    status = SqliteError(copy, sqlite3_extended_errcode(copy),
                         fmt::format("starting the backup to '{}'", target.string()));
  } else {
    // -1: every page in one step, so the copy is a single snapshot; stepping in parts would
    // restart whenever another connection writes.
    rc = sqlite3_backup_step(backup, -1);
    const int finished = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      status = SqliteError(nullptr, rc, fmt::format("backing up to '{}'", target.string()));
    } else if (finished != SQLITE_OK) {
      status = SqliteError(copy, finished, fmt::format("backing up to '{}'", target.string()));
    }
  }
  rc = sqlite3_close(copy);
  if (status.ok() && rc != SQLITE_OK) {
    status = SqliteError(nullptr, rc, fmt::format("closing the backup '{}'", target.string()));
  }
  return status;
}

Result<std::string> Connection::PragmaValue(std::string_view name) {
  auto statement = Prepare(fmt::format("PRAGMA {}", name));
  if (!statement.ok()) return std::move(statement).error();
  auto row = statement->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return Error::Internal(fmt::format("PRAGMA {} returned no value", name));
  return statement->ColumnText(0);
}

}  // namespace batuta::sqlite
