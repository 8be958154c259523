#include "store/sqlite/sqlite_error.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <string>

namespace batuta::sqlite {

Error SqliteError(sqlite3* db, int rc, std::string_view context) {
  // sqlite3_errmsg describes the most recent failure on `db`, which is more specific than the
  // generic text for the code (it names the table, the constraint, ...).
  const bool db_knows = db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff);
  const std::string detail = db_knows ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string message = fmt::format("{}: {} (sqlite code {})", context, detail, rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
      return Error::Unavailable(message);
    case SQLITE_CONSTRAINT:
      return Error::Conflict(message);
    default:
      return Error::Internal(message);
  }
}

}  // namespace batuta::sqlite
