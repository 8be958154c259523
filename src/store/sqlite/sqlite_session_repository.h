#pragma once

#include "store/session_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// SessionRepository on the sessions table (migration 0002). Thread-safe through the pool,
// which must outlive it.
class SqliteSessionRepository final : public SessionRepository {
 public:
  explicit SqliteSessionRepository(ConnectionPool& pool) : pool_(pool) {}

  Status Create(const SessionRecord& session) override;
  Result<std::optional<SessionWithUser>> Find(std::string_view id_hash) override;
  Status Touch(std::string_view id_hash, TimePoint at) override;
  Result<bool> Delete(std::string_view id_hash) override;
  Result<std::int64_t> DeleteExpired(TimePoint now, TimePoint idle_before) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
