#pragma once

#include "core/clock.h"
#include "store/meta_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// MetaRepository on the instance_meta table (migration 0001). Reads use a reader connection,
// writes the writer. Thread-safe through the pool; the pool and clock must outlive it.
class SqliteMetaRepository final : public MetaRepository {
 public:
  SqliteMetaRepository(ConnectionPool& pool, const Clock& clock) : pool_(pool), clock_(clock) {}

 protected:
  Result<std::optional<std::string>> DoGet(std::string_view key) override;
  Status DoPut(std::string_view key, std::string_view value) override;
  Result<std::string> DoPutIfAbsent(std::string_view key, std::string_view value) override;

 private:
  ConnectionPool& pool_;
  const Clock& clock_;
};

}  // namespace batuta::sqlite
