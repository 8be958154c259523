#pragma once

#include <chrono>
#include <memory>

#include "core/result.h"
#include "sources/sql_session.h"

namespace batuta::sources {

// Opens the existing SQLite database file `endpoint.sqlite_path` (never creates one; a missing
// or unreadable file, or one that is not a database, is kUnavailable). `connect_timeout` is how
// long a statement waits for another process's lock before failing with kUnavailable
// ("database is locked"); 0 means 5 s. A query's statement_timeout caps that wait too.
//
// The session is the sqlite3 C API on one connection. See README.md for how declared column
// types map to rows::ColumnType and what happens to a value that does not fit its column.
Result<std::unique_ptr<SqlSession>> OpenSqliteSession(const SqlEndpoint& endpoint,
                                                      std::chrono::milliseconds connect_timeout);

}  // namespace batuta::sources
