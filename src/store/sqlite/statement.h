#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

struct sqlite3_stmt;

namespace batuta::sqlite {

// One prepared SQLite statement in use. Values reach SQL only through Bind (the statement's
// ?1, ?2 ... parameters), never by building SQL text.
//
// Either borrowed from a Connection's statement cache (`in_use` points at the cache's flag:
// on destruction the statement is reset, its bindings cleared and the flag released) or owned
// (`in_use` null: finalized on destruction). Not thread-safe; used by the thread holding the
// connection's lease, and must not outlive the connection.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, bool* in_use) : stmt_(stmt), in_use_(in_use) {}
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Parameters are numbered from 1. Text is copied; an empty view binds '' (not NULL).
  Status Bind(int index, std::string_view text);
  Status Bind(int index, std::int64_t value);
  Status BindNull(int index);

  // Advances to the next row: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps until done, for statements that return no rows (or whose rows are not needed).
  Status Run();
  // Rows changed by the last INSERT/UPDATE/DELETE this statement ran.
  std::int64_t Changes() const;

  // Columns of the current row, numbered from 0. NULL reads as 0 / "".
  std::int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  // The start of the SQL, for error messages (bound values are not part of it).
  std::string Describe() const;

  sqlite3_stmt* stmt_;
  bool* in_use_;
};

}  // namespace batuta::sqlite
