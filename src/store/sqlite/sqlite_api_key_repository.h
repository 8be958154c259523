#pragma once

#include "store/api_key_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// ApiKeyRepository on the api_keys table (migration 0002). Thread-safe through the pool,
// which must outlive it.
class SqliteApiKeyRepository final : public ApiKeyRepository {
 public:
  explicit SqliteApiKeyRepository(ConnectionPool& pool) : pool_(pool) {}

  Status Create(const ApiKeyRecord& key) override;
  Result<std::optional<ApiKeyWithOwner>> FindByPrefix(std::string_view prefix) override;
  Result<std::optional<ApiKeyRecord>> FindById(std::string_view id) override;
  Result<std::vector<ApiKeyRecord>> List(std::optional<std::string_view> user_id) override;
  Status Revoke(std::string_view id, TimePoint at) override;
  Status RecordUse(std::string_view id, TimePoint at, std::string_view address) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
