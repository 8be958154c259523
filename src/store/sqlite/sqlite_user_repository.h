#pragma once

#include <string_view>

#include "store/sqlite/connection_pool.h"
#include "store/sqlite/statement.h"
#include "store/user_repository.h"

namespace batuta::sqlite {

// The users table's columns in the order ReadUser expects, qualified by `u.`; queries that
// join users select them as "SELECT <others>, " + kUserColumns.
inline constexpr std::string_view kUserColumns =
    "u.id, u.username, u.display_name, u.role, u.active, u.password_hash, u.created_at, "
    "u.updated_at, u.password_changed_at, u.last_login_at";
inline constexpr int kUserColumnCount = 10;

// Reads kUserColumns starting at column `first`.
Result<UserRecord> ReadUser(const Statement& statement, int first);

// UserRepository on the users table (migration 0002). Thread-safe through the pool, which
// must outlive it.
class SqliteUserRepository final : public UserRepository {
 public:
  explicit SqliteUserRepository(ConnectionPool& pool) : pool_(pool) {}

  Status Create(const UserRecord& user) override;
  Result<bool> CreateIfNoUsers(const UserRecord& user) override;
  Result<std::optional<UserRecord>> FindById(std::string_view id) override;
  Result<std::optional<UserRecord>> FindByUsername(std::string_view username) override;
  Result<std::vector<UserRecord>> List() override;
  Result<UserRecord> Update(std::string_view id, const UserChanges& changes,
                            TimePoint now) override;
  Status SetPassword(std::string_view id, std::string_view password_hash, TimePoint now) override;
  Status ReplacePasswordHash(std::string_view id, std::string_view old_hash,
                             std::string_view new_hash) override;
  Status RecordLogin(std::string_view id, TimePoint at) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
