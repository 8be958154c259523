#pragma once

#include "store/audit_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// AuditRepository on the audit_log table (migration 0002), whose triggers refuse UPDATE and
// DELETE. Thread-safe through the pool, which must outlive it.
class SqliteAuditRepository final : public AuditRepository {
 public:
  explicit SqliteAuditRepository(ConnectionPool& pool) : pool_(pool) {}

  Result<std::int64_t> Append(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> List(const AuditFilter& filter) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
