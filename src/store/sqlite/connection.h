#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "store/sqlite/statement.h"

struct sqlite3;

namespace batuta::sqlite {

// One SQLite connection, configured the way batuta relies on:
//   journal_mode=WAL   (writer only; persistent in the file) readers never block the writer
//   foreign_keys=ON    (per connection; SQLite's default is off)
//   busy_timeout       wait for locks held by other connections or processes, then kUnavailable
//   synchronous=NORMAL safe with WAL: a power loss may lose the last commits, never corrupts
//   query_only=ON      (readers only) a reader cannot write by mistake
// Prepared statements are cached per connection by SQL text.
//
// Not thread-safe: one thread at a time, which ConnectionPool's leases guarantee.
class Connection {
 public:
  enum class Role { kWriter, kReader };

  // Opens `file`; the writer creates it if missing (its folder must exist), readers require
  // it. Fails with kUnavailable when the file cannot be opened, is not an SQLite database,
  // or WAL cannot be enabled.
  static Result<std::unique_ptr<Connection>> Open(const std::filesystem::path& file, Role role,
                                                  std::chrono::milliseconds busy_timeout);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Every Statement from Prepare must be gone.
  ~Connection();

  Role role() const { return role_; }

  // A statement for `sql`, which must hold exactly one SQL statement (kInternal otherwise).
  // Cached: preparing the same text again reuses the compiled statement. Preparing a text
  // whose cached statement is still in use returns a separate, uncached statement.
  Result<Statement> Prepare(std::string_view sql);

  // Runs every statement of `script` in order, without parameters and ignoring result rows:
  // for migrations and fixed commands. Stops at the first error.
  Status ExecuteScript(std::string_view script);

  // True inside an explicit transaction (between BEGIN and COMMIT/ROLLBACK).
  bool InTransaction() const;

  // Copies the whole database, as one snapshot of what this connection sees, into the empty
  // or missing file `target` with SQLite's online backup API, in one step: other
  // connections keep reading and writing meanwhile (in WAL mode the copy only holds a read
  // transaction here). The copy keeps the page size and WAL mode. kUnavailable when `target`
  // cannot be written.
  Status BackupTo(const std::filesystem::path& target);

  // Reads a pragma's value as text ("PRAGMA <name>" with a fixed name, not user input).
  Result<std::string> PragmaValue(std::string_view name);

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  Connection(sqlite3* db, Role role) : db_(db), role_(role) {}
  Status Configure(std::chrono::milliseconds busy_timeout);

  sqlite3* db_;
  Role role_;
  // Node-based: the address of each entry's `in_use` stays valid while Statements hold it.
  std::unordered_map<std::string, CachedStatement> cache_;
};

}  // namespace batuta::sqlite
