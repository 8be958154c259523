#include "store/sqlite/transaction.h"

#include <spdlog/spdlog.h>

namespace batuta::sqlite {

Result<Transaction> Transaction::BeginImmediate(Connection& connection) {
  auto begin = connection.Prepare("BEGIN IMMEDIATE");
  if (!begin.ok()) return std::move(begin).error();
  BATUTA_RETURN_IF_ERROR(begin->Run());
  return Transaction(&connection);
}

Status Transaction::Commit() {
  {
    auto commit = connection_->Prepare("COMMIT");
    if (!commit.ok()) return std::move(commit).error();
    BATUTA_RETURN_IF_ERROR(commit->Run());
  }
  connection_ = nullptr;
  return Ok();
}

Transaction::~Transaction() {
  // SQLite may already have rolled back by itself (after some errors such as SQLITE_FULL).
  if (connection_ == nullptr || !connection_->InTransaction()) return;
  const Status status = connection_->ExecuteScript("ROLLBACK");
  if (!status.ok()) {
    spdlog::error("SQLite rollback failed: {}", status.error().message);
  }
}

}  // namespace batuta::sqlite
