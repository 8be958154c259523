#pragma once

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace batuta::sqlite {

// An explicit write transaction on a connection; rolled back on destruction unless
// committed, so every early return undoes the work. Not thread-safe, like its Connection.
class Transaction {
 public:
  // BEGIN IMMEDIATE: takes the database's write lock now, waiting up to the busy timeout.
  // A deferred BEGIN would take it at the first write instead, where SQLite cannot wait and
  // fails at once with SQLITE_BUSY when another connection is writing.
  static Result<Transaction> BeginImmediate(Connection& connection);

  Transaction(Transaction&& other) noexcept : connection_(other.connection_) {
    other.connection_ = nullptr;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  // On failure the transaction stays open and the destructor rolls it back.
  Status Commit();

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}

  Connection* connection_;  // null once committed or moved from
};

}  // namespace batuta::sqlite
