#pragma once

#include <string_view>

#include "core/error.h"

struct sqlite3;

namespace batuta::sqlite {

// The batuta error for SQLite result code `rc` (primary or extended), with `context` saying
// what was being done and SQLite's own message for `db` (which may be null). The mapping:
// busy/locked, I/O, full disk, unreadable or corrupt files, and permission problems mean the
// store is not usable right now (kUnavailable); constraint violations are kConflict; the rest
// are bugs (kInternal). Call it right after the failing call, before `db` is used again.
Error SqliteError(sqlite3* db, int rc, std::string_view context);

}  // namespace batuta::sqlite
