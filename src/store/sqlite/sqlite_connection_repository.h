#pragma once

#include "store/connection_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// ConnectionRepository on the connections table (migration 0004). settings and secrets are
// JSON text; secrets hold sealed values only. Thread-safe through the pool, which must
// outlive it.
class SqliteConnectionRepository final : public ConnectionRepository {
 public:
  explicit SqliteConnectionRepository(ConnectionPool& pool) : pool_(pool) {}

  Status Create(const ConnectionRecord& connection) override;
  Status Update(const ConnectionRecord& connection) override;
  Status Delete(std::string_view id) override;
  Result<std::optional<ConnectionRecord>> FindById(std::string_view id) override;
  Result<std::optional<ConnectionRecord>> FindByName(std::string_view name) override;
  Result<std::vector<ConnectionRecord>> List() override;

 private:
  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
