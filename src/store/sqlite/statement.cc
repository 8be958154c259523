#include "store/sqlite/statement.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/sqlite/sqlite_error.h"

namespace batuta::sqlite {

Statement::Statement(Statement&& other) noexcept : stmt_(other.stmt_), in_use_(other.in_use_) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  // Reset ends the statement's read or write (releasing WAL snapshots and locks); its return
  // value repeats the last step error, which the caller has already seen.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

std::string Statement::Describe() const {
  const char* sql = sqlite3_sql(stmt_);
  std::string_view text = sql != nullptr ? sql : "";
  constexpr std::size_t kMax = 80;
  if (text.size() <= kMax) return fmt::format("'{}'", text);
  return fmt::format("'{}...'", text.substr(0, kMax));
}

Status Statement::Bind(int index, std::string_view text) {
  // sqlite3_bind_text binds NULL for a null pointer, which an empty string_view may hold.
  const char* data = text.data() != nullptr ? text.data() : "";
  const int rc =
      sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) {
    return SqliteError(sqlite3_db_handle(stmt_), rc,
                       fmt::format("binding parameter {} of {}", index, Describe()));
  }
  return Ok();
}

Status Statement::Bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) {
    return SqliteError(sqlite3_db_handle(stmt_), rc,
                       fmt::format("binding parameter {} of {}", index, Describe()));
  }
  return Ok();
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(stmt_), rc, fmt::format("running {}", Describe()));
}

Status Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) return Ok();
  }
}

std::int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);  // after column_text, as documented
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

Status Statement::BindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) {
    return SqliteError(sqlite3_db_handle(stmt_), rc,
                       fmt::format("binding parameter {} of {}", index, Describe()));
  }
  return Ok();
}

std::int64_t Statement::Changes() const { return sqlite3_changes64(sqlite3_db_handle(stmt_)); }

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace batuta::sqlite
